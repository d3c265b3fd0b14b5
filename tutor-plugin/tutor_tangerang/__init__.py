"""Tutor plugin for the complaint-handling XBlocks (``tutor plugins enable tangerang``)."""
