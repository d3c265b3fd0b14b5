"""Fixtures of the role-play's block tests."""
import pytest

from complaint_sim_xblock.block import ComplaintSimBlock


@pytest.fixture
def block(make_block, mini_data):
    """A role-play block on the LMS-like runtime, with the small scenario that exercises every feature."""
    b = make_block(ComplaintSimBlock, block_type="complaint_sim")
    b.set_scenario(mini_data)
    b.save()
    return b
