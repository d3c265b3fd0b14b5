"""Learners' work units (OPD, kecamatan, kelurahan) for both blocks' staff analytics.

A learner's unit is the course cohort where the LMS provides one, else the unit in the
course's roster that staff upload (CSV: username or email, unit), else none ("tanpa unit").
A small Django plugin app of its own, so both blocks share one roster per course.
"""
