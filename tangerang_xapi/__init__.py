"""xAPI statements for the role-play and the reflection, for Open edX Aspects.

A small Open edX plugin app (``lms.djangoapp``): where edx-event-routing-backends (ERB) runs,
it registers one transformer per tracking event of ``complaint_sim`` and ``rubric_reflection``
(:mod:`tangerang_xapi.transformers`) and adds those event names to ERB's xAPI allowlist
(:mod:`tangerang_xapi.settings`). Where ERB is absent, it does nothing.
"""
