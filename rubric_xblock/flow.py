"""The learner's step in a reflection, computed from plain facts (no ``xblock``, no ``django``).

write → self → training → peer → waiting → done. The block loads the facts (its settings,
the learner's records) and stores nothing here; golden files in ``tests/rubric/data/flow``
pin every state.
"""
from __future__ import annotations

from .grading import MODE_PEER, MODE_PEER_STAFF, MODE_STAFF

STEPS = ("write", "self", "training", "peer", "waiting", "done")


def learner_step(facts):
    """``{"step", "peer": {...} | None, "training": {...} | None}`` for ``facts``:

    ``signed_in``, ``submitted``, ``self_assessment`` (setting), ``self_done``,
    ``staff_assessment`` (setting), ``mode`` (``staff`` / ``peer`` / ``peer_staff``),
    ``training_required`` (setting and examples), ``training_done``, ``peer_required``
    (n), ``peer_done`` (reviews given), ``counted`` (``staff`` / ``median`` / None: the
    assessment that counts) and ``released`` (it reached the gradebook).
    """
    mode = facts.get("mode", MODE_STAFF)
    peer_modes = mode in (MODE_PEER, MODE_PEER_STAFF)
    peer = None
    training = None
    if peer_modes:
        peer = {"required": facts.get("peer_required", 0), "done": facts.get("peer_done", 0)}
        training = {"required": bool(facts.get("training_required")), "done": bool(facts.get("training_done"))}
    if not facts.get("signed_in") or not facts.get("submitted"):
        return {"step": "write", "peer": peer, "training": training}
    if facts.get("self_assessment") and not facts.get("self_done"):
        return {"step": "self", "peer": peer, "training": training}
    if peer_modes:
        if training["required"] and not training["done"]:
            return {"step": "training", "peer": peer, "training": training}
        if peer["done"] < peer["required"]:
            return {"step": "peer", "peer": peer, "training": training}
    if facts.get("counted") and facts.get("released"):
        return {"step": "done", "peer": peer, "training": training}
    if mode == MODE_STAFF and not facts.get("staff_assessment") and facts.get("self_done"):
        return {"step": "done", "peer": peer, "training": training}  # self assessment is the grade
    return {"step": "waiting", "peer": peer, "training": training}
