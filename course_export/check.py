"""The build checks its own output before anything is written.

1. olxcleaner (the validator Studio can run at import) over the unpacked export, with our
   block tags allowed; every finding, warnings included, fails the build.
2. Every custom block is re-imported from its vertical through its own ``parse_xml`` and
   must hold exactly the field values the sources gave it.
3. Every multiple-choice problem has one correct choice.
"""
import tempfile
from pathlib import Path

from lxml import etree
from xblock.fields import ScopeIds

from .errors import Problem
from .render import ADVANCED_MODULES, TOP, block_classes, custom_block_fields, new_runtime

# olxcleaner's own requirements that Studio does not have (see OPENEDX.md section 7).
OLXCLEANER_IGNORED = ()


def olxcleaner_problems(files):
    """Problems olxcleaner reports for the export ``files``."""
    try:
        import olxcleaner
    except ImportError:
        return [Problem("olxcleaner", None, "olxcleaner is not installed: pip install "
                                            "'tangerang-complaint-xblocks[dev]' (the build checks its output with it)")]
    with tempfile.TemporaryDirectory(prefix="course-export-check-") as tmp:
        for name, data in files.items():
            path = Path(tmp, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        _course, errorstore, _urls = olxcleaner.validate(str(Path(tmp, TOP, "course.xml")), steps=8,
                                                         ignore=list(OLXCLEANER_IGNORED),
                                                         allowed_xblocks=ADVANCED_MODULES)
        problems = []
        for error in errorstore.errors:
            relative = error.filename.replace(tmp + "/", "") if error.filename else "course"
            problems.append(Problem(relative, None, f"olxcleaner {error.level} {error.name}: {error.description}"))
        return problems


def roundtrip_problems(course, files):
    """Problems re-importing each custom block from the built verticals."""
    problems = []
    classes = block_classes()
    for _section, _subsection, unit in course.units():
        name = f"{TOP}/vertical/{unit.id}.xml"
        vertical = etree.fromstring(files[name])
        for component in unit.components:
            if component.kind not in ("roleplay", "reflection"):
                continue
            tag, expected = custom_block_fields(course, component)
            nodes = [n for n in vertical if n.tag == tag and n.get("url_name") == component.id]
            if len(nodes) != 1:
                problems.append(Problem(name, None, f"{tag} '{component.id}' is not inline in its vertical"))
                continue
            node = nodes[0]
            runtime = new_runtime()
            try:
                block = classes[tag].parse_xml(node, runtime, ScopeIds("author", tag, component.id, component.id))
            except Exception as err:  # noqa: BLE001  any parser failure is a build failure
                problems.append(Problem(name, node.sourceline, f"{tag} '{component.id}' does not re-import: {err}"))
                continue
            for field_name, value in expected.items():
                actual = getattr(block, field_name)
                if actual != value:
                    problems.append(Problem(name, node.sourceline,
                                            f"{tag} '{component.id}': field '{field_name}' changes through "
                                            f"export and import ({value!r:.80} -> {actual!r:.80})"))
    for name, data in files.items():
        if name.startswith(f"{TOP}/problem/"):
            problem = etree.fromstring(data)
            correct = problem.findall(".//choicegroup/choice[@correct='true']")
            if len(correct) != 1:
                problems.append(Problem(name, problem.sourceline, "a multiple-choice problem needs one correct choice"))
    return problems
