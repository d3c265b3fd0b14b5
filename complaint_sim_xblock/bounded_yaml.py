"""YAML from untrusted text, with aliases and their expansion bounded.

PyYAML builds an alias as a shared reference, so a 361-byte "billion laughs" text loads in
microseconds, and then every consumer that walks the data (JSON encoding, validation)
expands it: minutes of CPU and gigabytes of memory. Here the text is composed into YAML's
node graph first (aliases are shared nodes there too, so this costs only the text's own
size), the graph is measured with each shared node counted once per use, and only a graph
within the bounds is constructed into Python data. Pure Python: imports only ``yaml``.
"""
import yaml

MAX_ALIASES = 100  # alias uses (``*name``) in one text; authored scenarios need none
MAX_NODES = 500_000  # YAML nodes after expansion (a 1,000-node scenario has about 60,000)
MAX_SCALAR_CHARS = 4_000_000  # characters of all scalars after expansion


class YamlBoundsError(ValueError):
    """A text whose aliases or expansion exceed the bounds: ``kind`` is ``aliases``,
    ``expansion`` or ``recursive``."""

    def __init__(self, kind, line=None):
        super().__init__(kind)
        self.kind = kind
        self.line = line


def measure(root, max_aliases=MAX_ALIASES, max_nodes=MAX_NODES, max_chars=MAX_SCALAR_CHARS):
    """Check the composed node graph ``root``; YamlBoundsError if it is over a bound.

    Iterative (no recursion limit), memoised per node, so the cost is the size of the graph
    as written, never its expansion.
    """
    sizes = {}  # id(node) -> (nodes, chars) of its full expansion
    seen = {id(root)}  # every node referenced so far: a second reference is an alias use
    aliases = 0
    on_path = set()  # nodes entered and not finished: the ancestors of the current node
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            count, chars = 1, 0
            for child in _children(node):
                child_count, child_chars = sizes[id(child)]
                count += child_count
                chars += child_chars
            if count > max_nodes or chars > max_chars:
                raise YamlBoundsError("expansion", _line(node))
            sizes[key] = (count, chars)
            continue
        if key in sizes:
            continue
        if isinstance(node, yaml.ScalarNode):
            if len(node.value) > max_chars:
                raise YamlBoundsError("expansion", _line(node))
            sizes[key] = (1, len(node.value))
            continue
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            child_key = id(child)
            if child_key in on_path:
                raise YamlBoundsError("recursive", _line(child))
            if child_key in seen:
                aliases += 1
                if aliases > max_aliases:
                    raise YamlBoundsError("aliases", _line(node))  # where it is used
            seen.add(child_key)
            if child_key not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


def _children(node):
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return ()


def _line(node):
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


# libyaml's parser where PyYAML was built with it (the PyPI wheels are), else the pure-Python
# one: the same safe types and node marks, about ten times faster on a course's sources.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text):
    """``yaml.safe_load(text)`` through :data:`SafeLoader` (for the package's own files)."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506  (a safe loader)


def load(text, **bounds):
    """Python data from YAML ``text`` (safe types only), refused over the bounds.

    Raises :class:`YamlBoundsError` over a bound, ``yaml.YAMLError`` for a text that does
    not parse (as ``yaml.safe_load`` does).
    """
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        measure(node, **bounds)
        return loader.construct_document(node)
    finally:
        loader.dispose()
