"""Fixtures of the role-play's block tests."""
import pytest

from complaint_sim_xblock.block import ComplaintSimBlock


@pytest.fixture
def roleplay(make_block):
    """``roleplay(data)``: a role-play block on the LMS-like runtime, saved with scenario ``data``
    (``field_data``: its store, to open the same block and learner from other runtimes)."""
    def build(data, field_data=None):
        b = make_block(ComplaintSimBlock, field_data=field_data, block_type="complaint_sim")
        b.set_scenario(data)
        b.save()
        return b
    return build


@pytest.fixture
def block(roleplay, mini_data):
    """A role-play block with the small scenario that exercises every feature."""
    return roleplay(mini_data)
