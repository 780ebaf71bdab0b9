"""Which names a notebook cell binds and reads: the one cell analysis of the book's tools.

The editions (tools/make_notebooks.py) use it to decide which hidden cells a reader's notebook can
drop; the grader (tools/grade/) to find the set-up an exercise needs. Python's own `ast`, with
IPython's translation of %magics and !commands: a cell is read as the kernel would run it.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

READ_ONLY_METHODS = {"all", "any", "argmax", "argmin", "astype", "copy", "count", "detach", "dropna",
                     "endswith", "format", "get", "groupby", "idxmax", "idxmin", "index", "isna", "item",
                     "items", "keys", "max", "mean", "min", "notna", "numpy", "nunique", "round",
                     "startswith", "std", "sum", "to_json", "to_numpy", "tolist", "unique", "value_counts",
                     "values"}
# calls of a module's function that change state no name shows: seeds, global generators, settings
GLOBAL_STATE_CALLS = {"seed", "manual_seed", "manual_seed_all", "seed_everything", "set_rng_state",
                      "use_deterministic_algorithms", "set_default_dtype", "set_num_threads",
                      "set_printoptions", "seterr", "chdir", "putenv", "rand", "randn", "randint",
                      "randperm", "rand_like", "randn_like", "randint_like", "bernoulli", "multinomial",
                      "normal", "shuffle", "permutation", "choice", "filterwarnings", "simplefilter"}
NEW_GENERATORS = {"default_rng", "Generator", "SeedSequence", "PCG64", "RandomState"}   # own state only
BUILTINS = set(dir(__import__("builtins")))
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef,
          ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


@dataclass
class CodeFacts:
    binds: set          # names the cell may (re)bind or delete in the notebook's namespace
    sure_binds: set     # names it surely binds (unconditionally, at the top level)
    reads: set          # names it may read from the namespace as the cells before it left it
    changes: set        # names whose objects it may change in place
    global_state: list  # what it does to state that no name shows (seeds, os.environ, module attributes)


def _root(node, through_calls=True):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call, ast.Starred)):
        if isinstance(node, ast.Call):
            if not through_calls:
                return None          # a call's result: a new object, as far as the syntax tells
            node = node.func
        else:
            node = node.value
    return node.id if isinstance(node, ast.Name) else None


def dotted(node) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _targets(node) -> set:
    """Names a target (of =, for, with ... as) binds."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}


def _walk_scope(node):
    """The nodes of one scope: nested functions, classes, lambdas and comprehensions are not entered."""
    todo = list(ast.iter_child_nodes(node))
    while todo:
        child = todo.pop()
        yield child
        if not isinstance(child, SCOPES):
            todo.extend(ast.iter_child_nodes(child))


def _module_binds(tree) -> set:
    """Names a cell may bind at the top level (conditional bindings included)."""
    binds = set()
    for node in _walk_scope(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            binds.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            binds.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            binds |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            binds.add(node.name)
    for node in ast.walk(tree):   # `global x` in a function, and := anywhere, bind in the namespace
        if isinstance(node, ast.Global):
            binds |= set(node.names)
        elif isinstance(node, ast.NamedExpr):
            binds.add(node.target.id)
    return binds


def _free_reads(node) -> set:
    """Names a function, lambda, class or comprehension reads from outside itself."""
    local = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.arg):
            local.add(inner.arg)
        elif isinstance(inner, ast.Name) and isinstance(inner.ctx, (ast.Store, ast.Del)):
            local.add(inner.id)
        elif isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and inner is not node:
            local.add(inner.name)
        elif isinstance(inner, (ast.Import, ast.ImportFrom)):
            local |= {(a.asname or a.name).split(".")[0] for a in inner.names}
    declared_global = {n for inner in ast.walk(node) if isinstance(inner, ast.Global) for n in inner.names}
    loads = {inner.id for inner in ast.walk(node) if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load)}
    return loads - (local - declared_global)


def _expression_reads(node, bound) -> set:
    """Names a statement or expression reads (functions and comprehensions in it: what they read from outside)."""
    if isinstance(node, SCOPES):
        return _free_reads(node) - bound
    reads = set()
    for inner in [node, *_walk_scope(node)]:
        if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Load):
            reads.add(inner.id)
        elif isinstance(inner, SCOPES):
            reads |= _free_reads(inner)
    return reads - bound


def _statements_reads(statements, bound: set) -> set:
    """Names the statements read before binding them, in order: `bound` grows with what surely ran."""
    reads = set()
    for statement in statements:
        if isinstance(statement, (ast.For, ast.AsyncFor)):
            reads |= _expression_reads(statement.iter, bound)
            inner = bound | _targets(statement.target)
            reads |= _statements_reads(statement.body, set(inner)) | _statements_reads(statement.orelse, set(bound))
        elif isinstance(statement, (ast.While, ast.If)):
            reads |= _expression_reads(statement.test, bound)
            reads |= _statements_reads(statement.body, set(bound)) | _statements_reads(statement.orelse, set(bound))
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                reads |= _expression_reads(item.context_expr, bound)
                if item.optional_vars is not None:
                    bound |= _targets(item.optional_vars)
            reads |= _statements_reads(statement.body, bound)
        elif isinstance(statement, ast.Try):
            reads |= _statements_reads(statement.body, set(bound))
            for handler in statement.handlers:
                if handler.type is not None:
                    reads |= _expression_reads(handler.type, bound)
                reads |= _statements_reads(handler.body, bound | ({handler.name} if handler.name else set()))
            reads |= _statements_reads(statement.orelse, set(bound)) | _statements_reads(statement.finalbody, set(bound))
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            reads |= (_free_reads(statement) - bound)
            bound.add(statement.name)
        else:   # a simple statement: what it reads, then what it binds
            if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
                reads |= {statement.target.id} - bound
            reads |= _expression_reads(statement, bound)
            bound |= _module_binds(ast.Module(body=[statement], type_ignores=[]))
    return reads


def python_source(source: str) -> str:
    """The cell as Python (IPython's own translation of %magics and !commands)."""
    from IPython.core.inputtransformer2 import TransformerManager
    return TransformerManager().transform_cell(source)


def code_facts(source: str, modules: set) -> CodeFacts:
    """What a code cell binds, reads and may change; `modules` are the names `import` statements bound."""
    tree = ast.parse(python_source(source))   # a SyntaxError is the caller's to report
    changes, global_state = set(), []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            root = _root(node)
            if root in modules:
                global_state.append(f"assigns to {dotted(node) or root}")
            elif root:
                changes.add(root)               # x[k] = ..., x.attr = ..., del x[k]
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            changes.add(node.target.id)         # x += ... may change x's object in place
        elif isinstance(node, ast.Call):
            name = dotted(node.func)
            last = name.rsplit(".", 1)[-1]
            root = _root(node.func)
            if root in modules:
                if last not in NEW_GENERATORS and (last in GLOBAL_STATE_CALLS or "seed" in last
                                                   or ".random." in f".{name}" or name.startswith("os.environ")):
                    global_state.append(f"calls {name}")
            elif "seed" in last.lower():
                global_state.append(f"calls {name}")   # seed_everything(...) and the like
            if isinstance(node.func, ast.Attribute) and last not in READ_ONLY_METHODS and root not in modules:
                changes.add(root)               # a method may change its object
            if root not in modules and name not in BUILTINS:
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    arg_root = _root(argument, through_calls=False)
                    if arg_root and arg_root not in modules:
                        changes.add(arg_root)   # a function may change what it is given
    # a name bound to (a part of) another object changes that object when it changes: t = nets["a"]; t.fit()
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.For, ast.AsyncFor)):
            value = node.value if isinstance(node, ast.Assign) else node.iter
            if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(value, ast.Call) \
                    and isinstance(value.func, ast.Attribute):
                value = value.func.value           # for row in table.values(): rows of table
            source = _root(value, through_calls=False)   # a call's result is a new object
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for name in set().union(*[_targets(t) for t in targets]) if source not in modules | {None} else ():
                aliases.setdefault(name, set()).add(source)
    todo = list(changes)
    while todo:
        for source in aliases.get(todo.pop(), ()):
            if source not in changes:
                changes.add(source)
                todo.append(source)
    changes.discard(None)
    sure_binds = set()
    reads = _statements_reads(tree.body, sure_binds)
    return CodeFacts(_module_binds(tree), sure_binds, reads, changes - BUILTINS, global_state)
