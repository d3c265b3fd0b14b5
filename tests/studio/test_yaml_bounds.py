"""Bounded YAML: alias bombs are refused at once, in flat time and memory (issue 14, defect 3).

On the old main, the 361-byte bomb below took 56 s of CPU and 2.6 GB in ``editor_import_text``
and one level deeper killed the worker. The handler must answer 400 ``TEXT_TOO_COMPLEX`` without
ever expanding the aliases: checked in-process with tracemalloc and in a child process with
hard CPU and memory limits, so an expansion cannot pass by being merely slow.
"""
import json
import resource
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import pytest

from complaint_sim_xblock import bounded_yaml
from course_export.located import LoadProblem, load_yaml
from tests.conftest import post

ROOT = Path(__file__).resolve().parents[2]


def bomb(levels=9, width=9):
    """The classic "billion laughs": each level repeats the one before ``width`` times."""
    names = [chr(ord("a") + i) if levels <= 26 else f"l{i}" for i in range(levels)]
    laughs = ",".join(['"lol"'] * width)
    lines = [f"{names[0]}: &{names[0]} [{laughs}]"]
    for prev, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [{','.join([f'*{prev}'] * width)}]")
    return "\n".join(lines) + "\n"


BOMB_361 = "# nine by nine lol\n" + bomb()  # 361 bytes; 387,420,489 strings once expanded
VARIANTS = {
    "361-byte": BOMB_361,
    "one level deeper": bomb(10),
    "three levels deeper": bomb(12),
    "wide": bomb(6, 60),
    "narrow and deep (few aliases, 2**40 nodes)": bomb(40, 2),
    "merge keys": "a: &a {x: 1, y: 2}\n" + "".join(f"k{i}: &k{i} {{<<: *{'a' if i == 0 else f'k{i - 1}'}, "
                                                   f"z{i}: [*{'a' if i == 0 else f'k{i - 1}'}]}}\n"
                                                   for i in range(120)),
}


def test_the_bomb_is_the_one_from_the_report():
    assert len(BOMB_361.encode()) == 361


@pytest.mark.parametrize("text", VARIANTS.values(), ids=VARIANTS.keys())
def test_import_text_refuses_alias_bombs_at_once_with_flat_memory(block_as, text):
    block = block_as("staff")
    before = {name: getattr(block, name) for name in ("scenario", "display_name")}
    tracemalloc.start()
    try:
        status, body = post(block, "editor_import_text", {"text": text})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 400 and body["error"]["code"] == "TEXT_TOO_COMPLEX", body
    assert "alias" in body["error"]["message"].lower()
    assert "line " in body["error"]["message"]
    assert peak < 20 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB: the aliases were expanded"
    assert {name: getattr(block, name) for name in before} == before


def test_the_message_is_translated(block_as):
    block = block_as("staff")
    status, body = post(block, "editor_import_text", {"text": BOMB_361})
    assert status == 400
    assert body["error"]["message"] == block.gettext(body["error"]["message"])  # already in the user's language


CHILD = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_CPU, (20, 20))
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024 * 1024, 1536 * 1024 * 1024))
    from complaint_sim_xblock import editor
    texts = json.loads(sys.stdin.read())
    for text in texts:
        try:
            editor.parse_text(text)
        except editor.EditorError as error:
            print(error.code)
        else:
            print("ACCEPTED")
""")


def test_bombs_stay_within_hard_cpu_and_memory_limits():
    """In a child process limited to 20 s of CPU and 1.5 GB: the old code was killed here."""
    result = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(list(VARIANTS.values())),
                            capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (0, 0)))
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["TEXT_TOO_COMPLEX"] * len(VARIANTS)


def test_scenarios_with_a_few_aliases_still_load():
    data = bounded_yaml.load("opts: &o [a, b]\nx: {options: *o}\ny: {options: *o}\n")
    assert data == {"opts": ["a", "b"], "x": {"options": ["a", "b"]}, "y": {"options": ["a", "b"]}}


def test_more_aliases_than_the_bound_are_refused_even_when_small():
    text = "a: &a 1\nlist: [" + ", ".join(["*a"] * (bounded_yaml.MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(bounded_yaml.YamlBoundsError) as raised:
        bounded_yaml.load(text)
    assert raised.value.kind == "aliases" and raised.value.line == 2


def test_a_self_referring_alias_is_refused_as_before(block_as):
    status, body = post(block_as("staff"), "editor_import_text", {"text": "a: &x [*x]"})
    assert status == 400 and body["error"]["code"] == "BAD_TEXT"


def test_course_sources_refuse_bombs_with_their_line(tmp_path):
    source = tmp_path / "course.yaml"
    source.write_text(BOMB_361, encoding="utf-8")
    tracemalloc.start()
    try:
        with pytest.raises(LoadProblem) as raised:
            load_yaml(source, "course.yaml")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "alias" in str(raised.value).lower() and peak < 20 * 1024 * 1024
