"""The learner's flow (write → self → training → peer → waiting → done) as a pure function,
pinned by golden files: ``tests/rubric/data/flow/<mode>/<case>.json`` = facts in, step out.
One test class per mode folder, as xblock-drag-and-drop-v2 keeps ``tests/unit/data/<mode>/``."""
import json
from pathlib import Path

import pytest

from rubric_xblock.flow import STEPS, learner_step

DATA = Path(__file__).parent / "data" / "flow"


def _cases(mode):
    return sorted((DATA / mode).glob("*.json"))


class _Golden:
    mode = None

    def test_each_golden_file(self):
        cases = _cases(self.mode)
        assert cases, f"no golden files for {self.mode}"
        for path in cases:
            golden = json.loads(path.read_text(encoding="utf-8"))
            assert learner_step(golden["facts"]) == golden["expected"], path.name
            assert golden["expected"]["step"] in STEPS


class TestStaffMode(_Golden):
    mode = "staff"


class TestPeerMode(_Golden):
    mode = "peer"


class TestPeerThenStaffMode(_Golden):
    mode = "peer_staff"


@pytest.mark.parametrize("mode", ["staff", "peer", "peer_staff"])
def test_every_step_of_the_mode_is_pinned(mode):
    steps = {json.loads(p.read_text())["expected"]["step"] for p in _cases(mode)}
    wanted = {"write", "self", "waiting", "done"} if mode == "staff" else {"self", "training", "peer", "waiting",
                                                                          "done"}
    assert wanted <= steps
