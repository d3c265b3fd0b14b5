"""Branching complaint-handling role-play XBlock (``complaint_sim``)."""
