"""Rescoring and the instructor's override through ScorableXBlockMixin (issue 15, item 5).

Through the real block and its handlers: the LMS's rescore task calls ``block.rescore()``,
its override task ``block.set_score(Score(...))`` then ``block.publish_grade()``; both end in
one ``grade`` event, as the Instructor Dashboard's tasks expect.
"""
import copy

import pytest
from xblock.scorable import ScorableXBlockMixin, Score

from complaint_sim_xblock import store
from complaint_sim_xblock.block import ComplaintSimBlock
from complaint_sim_xblock.scenario import compile_scenario
from tests.complaint_sim.test_block import BEST_ROUTE, POOR_ROUTE, play

FAIR_ROUTE = [("datang", "sapa"), ("tanya", "catat"), ("rekam", None), ("tutup", "pulang")]


def fix_scenario(block, mini_data, change):
    """The author edits the scenario after learners played it (as the editor's save does)."""
    data = copy.deepcopy(mini_data)
    change(data)
    block.set_scenario(compile_scenario(data).data)
    block.save()


def choice(data, node_id, choice_id):
    node = next(n for n in data["nodes"] if n["id"] == node_id)
    return next(c for c in node["choices"] if c["id"] == choice_id)


def test_the_block_is_scorable_through_the_mixin():
    assert issubclass(ComplaintSimBlock, ScorableXBlockMixin) and ComplaintSimBlock.has_score


def test_before_any_ending_there_is_nothing_to_rescore(block):
    assert block.has_submitted_answer() is False
    assert block.get_score() == Score(0, 12)
    play(block, BEST_ROUTE[:1])  # started, not finished
    assert block.has_submitted_answer() is False
    block.location = block.scope_ids.usage_id  # the LMS's XModuleMixin gives every block one
    with pytest.raises(ValueError, match="unanswered"):
        block.rescore(only_if_higher=False)
    assert block.runtime.events("grade") == []


def test_an_ending_publishes_its_grade_through_the_mixin_and_keeps_it(block):
    play(block, FAIR_ROUTE)
    assert block.runtime.events("grade") == [{"value": 10, "max_value": 12, "only_if_higher": None}]
    assert block.has_submitted_answer() is True
    assert block.get_score() == Score(10, 12) == block.calculate_score()
    assert block.published_score == {"earned": 10, "possible": 12}


def test_rescore_after_a_scenario_fix_scores_the_stored_path_anew(block, mini_data):
    play(block, FAIR_ROUTE)
    version = store.load(str(block.scope_ids.usage_id), "anon-learner").version
    # The author fixes the scenario: saying goodbye also hands over the complaint number.
    fix_scenario(block, mini_data, lambda d: choice(d, "tutup", "pulang").update(fulfils=["nomor"]))
    assert block.calculate_score() == Score(12, 12)
    assert block.get_score() == Score(10, 12)  # calculating writes nothing
    block.rescore(only_if_higher=False)
    assert block.runtime.events("grade")[-1] == {"value": 12, "max_value": 12, "only_if_higher": False}
    assert block.get_score() == Score(12, 12)
    # The learner's progress is untouched (no new version), and the page shows the new score.
    assert store.load(str(block.scope_ids.usage_id), "anon-learner").version == version
    status, body = _state(block)
    assert status == 200 and body["state"]["score"] == {"points": 12, "max_points": 12}


def test_rescore_counts_by_the_grading_policy_over_every_attempt(block, mini_data):
    block.grading_policy = "best"
    play(block, FAIR_ROUTE, attempt=1)  # 10 of 12
    play(block, POOR_ROUTE, attempt=2)  # 0 of 12
    # A fix that helps only the second attempt's path: sending the citizen away earns procedure (2 x 2).
    fix_scenario(block, mini_data, lambda d: choice(d, "tanya", "usir").update(scores={"prosedur": 2}))
    assert block.calculate_score() == Score(10, 12)
    block.grading_policy = "last"
    assert block.calculate_score() == Score(4, 12)


def test_only_if_higher_keeps_the_better_score(block, mini_data):
    play(block, FAIR_ROUTE)
    # A fix that lowers the path's score: greeting no longer counts as the greeting duty (1 point).
    fix_scenario(block, mini_data, lambda d: choice(d, "datang", "sapa").update(fulfils=[]))
    assert block.calculate_score() == Score(9, 11)  # the model route lost the point too
    block.rescore(only_if_higher=True)
    assert block.runtime.events("grade")[-1] == {"value": 9, "max_value": 11, "only_if_higher": True}
    assert block.get_score() == Score(10, 12)  # as the gradebook keeps it
    block.rescore(only_if_higher=False)
    assert block.get_score() == Score(9, 11)


def test_the_instructors_override_is_published_shown_and_replaced_by_a_new_ending(block):
    play(block, POOR_ROUTE)
    # What the LMS's override task does: set_score, publish_grade, save.
    block.set_score(Score(raw_earned=6.0, raw_possible=12.0))
    block.publish_grade()
    block.save()
    assert block.runtime.events("grade")[-1] == {"value": 6.0, "max_value": 12.0, "only_if_higher": None}
    assert block.get_score() == Score(6.0, 12.0)
    status, body = _state(block)
    assert body["state"]["score"] == {"points": 6.0, "max_points": 12.0}
    # The learner plays again: the new ending's grade replaces the override (as a new answer does).
    play(block, BEST_ROUTE, attempt=2)
    assert block.runtime.events("grade")[-1] == {"value": 12, "max_value": 12, "only_if_higher": None}
    assert block.get_score() == Score(12, 12)


def test_an_entry_from_before_steps_were_kept_rescores_from_the_run_or_keeps_its_score(block, mini_data):
    play(block, FAIR_ROUTE, attempt=1)  # 10 of 12
    play(block, POOR_ROUTE, attempt=2)  # 0 of 12, the stored run
    usage, user = str(block.scope_ids.usage_id), "anon-learner"
    row = store.load(usage, user)
    old_history = [{k: v for k, v in entry.items() if k != "steps"} for entry in row.history]
    store.save("", usage, user, row.version, row.run, old_history)

    def fix(d):
        choice(d, "tutup", "pulang").update(fulfils=["nomor"])  # attempt 1's path would score 12
        choice(d, "tanya", "usir").update(scores={"prosedur": 2})  # attempt 2's path scores 4

    fix_scenario(block, mini_data, fix)
    block.grading_policy = "last"  # attempt 2 is the stored run: its path is scored anew
    assert block.calculate_score() == Score(4, 12)
    block.grading_policy = "best"  # attempt 1's steps are unknown: it keeps its 10
    assert block.calculate_score() == Score(10, 12)


def _state(block):
    from tests.conftest import post  # noqa: PLC0415

    return post(block, "state", {})
