"""YAML with line numbers: the parsed data plus a way to find the line of any part of it.

PyYAML's composer keeps a start mark on every node; :class:`LocatedYaml` keeps that node
tree beside the plain data so a problem found at ``nodes[3].choices[1].target`` (the
path style the block validators use) can be reported at its line in the file.
"""
import re

import yaml

from complaint_sim_xblock import bounded_yaml

from .errors import Problem

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(path):
    """``"nodes[3].choices[1].target"`` -> ``["nodes", 3, "choices", 1, "target"]``."""
    parts = []
    for name, index in _PATH_PART.findall(path or ""):
        parts.append(int(index) if index else name)
    return parts


class LocatedYaml:
    """A YAML document: ``data`` (plain Python) and ``line(path)`` (1-based line numbers)."""

    def __init__(self, label, node, data):
        self.label = label
        self.node = node
        self.data = data

    def line(self, *path):
        """Line of the deepest existing node along ``path`` (keys and list indices)."""
        node = self.node
        if node is None:
            return 1
        line = node.start_mark.line + 1
        for part in path:
            child = None
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                        child, mark = value, key.start_mark  # a key's line, not its block value's
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                child = node.value[part]
                mark = child.start_mark
            if child is None:
                break
            node = child
            line = mark.line + 1
        return line

    def line_of(self, dotted, prefix=()):
        """Line for a validator path such as ``criteria[0].levels[1].points``."""
        return self.line(*prefix, *parse_path(dotted))

    def problem(self, message, *path):
        """A :class:`Problem` at ``path`` in this file."""
        return Problem(self.label, self.line(*path), message)


def load_yaml(path, label):
    """Read ``path``; return a :class:`LocatedYaml` or raise a one-problem list."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LoadProblem(Problem(label, None, "file not found")) from None
    except (OSError, UnicodeDecodeError) as err:
        raise LoadProblem(Problem(label, None, f"cannot read the file: {err}")) from None
    try:
        loader = bounded_yaml.SafeLoader(text)
        try:  # one parse: the node tree (lines) and the data built from it
            node = loader.get_single_node()
            if node is not None:
                bounded_yaml.measure(node)  # before construction: an alias bomb stops here
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except bounded_yaml.YamlBoundsError as err:
        raise LoadProblem(Problem(label, err.line, f"YAML aliases over the bound ({err.kind}): "
                                  "write the values out")) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        message = " ".join(part for part in (err.context, err.problem) if part)
        raise LoadProblem(Problem(label, line, f"invalid YAML: {message}")) from None
    except yaml.YAMLError as err:
        raise LoadProblem(Problem(label, None, f"invalid YAML: {err}")) from None
    return LocatedYaml(label, node, data)


class LoadProblem(Exception):
    """A file could not be read or parsed (carries its :class:`Problem`)."""

    def __init__(self, problem):
        super().__init__(str(problem))
        self.problem = problem
