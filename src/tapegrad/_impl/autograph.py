"""AutoGraph: a traced function's Python `if`, `while` and `for` on tensors become tf.cond and
tf.while_loop, by transforming its source (AST) once per function, as TensorFlow's AutoGraph.

Each converted statement becomes a call into `autograph_ops` (`ag__`), which decides at run
time: on Python values the statement runs as plain Python (during tracing), on a tensor it
becomes `tf.cond` / `tf.while_loop`, so the program holds the control flow instead of the
branch that the traced values took. The code of a statement moves into local functions that
take and return the variables it assigns:

    if x > 0:                            def if_true_1(y):
        y = x                                y = x
    else:                        ->          return (y,)
        y = -x                           def if_false_1(y):
                                             y = -x
                                             return (y,)
                                         (y,) = ag__.if_stmt(x > 0, if_true_1, if_false_1,
                                                             ag__.state(locals(), ('y',)))

`break` and `continue` become flags that guard the statements after them; a `return` inside
an `if` (on every path of both branches, or with the rest of the function as the `else`)
becomes the value of the converted `if`. What cannot be converted (a `return` inside a loop,
`yield`, no source) leaves the function as it is, with one warning (TensorFlow's "AutoGraph
could not transform ... and will run it as-is").
"""

import ast
import inspect
import itertools
import linecache
import textwrap
import types
import warnings

from . import autograph_ops

__all__ = ["convert", "do_not_convert", "to_code", "to_graph"]

_CONTROL = (ast.If, ast.While, ast.For)


class ConversionError(Exception):
    """The function uses something AutoGraph here does not convert (the message says what)."""


# -- analysis ----------------------------------------------------------------------------------

def _walk_scope(nodes):
    """The nodes under `nodes`, not entering nested functions, classes or lambdas."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _assigned(stmts):
    """The names that `stmts` bind (in the order first seen), in this scope."""
    names = {}
    for node in _walk_scope(stmts):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names[node.id] = None
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and (
                not getattr(node, "ag_generated", False)):
            names[node.name] = None
    return [n for n in names if not n.startswith("ag__item_")]


def _contains(stmts, kinds):
    """Whether `stmts` hold a node of `kinds` in this scope (not inside nested loops when
    looking for break/continue)."""
    stack = list(stmts)
    while stack:
        node = stack.pop()
        if isinstance(node, kinds):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.While, ast.For)) and kinds in ((ast.Break,), (ast.Continue,)):
            stack.extend(node.orelse)  # a nested loop's own break/continue are its own
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _always_returns(stmts):
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, ast.Return):
        return True
    if isinstance(last, ast.If):
        return _always_returns(last.body) and _always_returns(last.orelse)
    return False


# -- the transformation ------------------------------------------------------------------------

def _parse(code):
    return ast.parse(textwrap.dedent(code)).body


def _name(id_, store=False):
    return ast.Name(id=id_, ctx=ast.Store() if store else ast.Load())


def _names_tuple(names, store=False):
    return ast.Tuple(elts=[_name(n, store) for n in names], ctx=ast.Store() if store else (
        ast.Load()))


def _state_call(names):
    """`ag__.state(locals(), ('a', 'b'))`."""
    return ast.Call(
        func=ast.Attribute(value=_name("ag__"), attr="state", ctx=ast.Load()),
        args=[ast.Call(func=_name("locals"), args=[], keywords=[]),
              ast.Tuple(elts=[ast.Constant(n) for n in names], ctx=ast.Load())],
        keywords=[])


def _ag_call(fn, *args):
    return ast.Call(func=ast.Attribute(value=_name("ag__"), attr=fn, ctx=ast.Load()),
                    args=list(args), keywords=[])


def _function(name, params, body, returns):
    """`def name(*params): body; return returns` (returns: a list of names, or None for a
    body that returns by itself)."""
    body = list(body) or [ast.Pass()]
    if returns is not None:
        body.append(ast.Return(value=_names_tuple(returns)))
    node = ast.FunctionDef(
        name=name,
        args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=p) for p in params],
                           vararg=None, kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
        body=body, decorator_list=[], returns=None, type_params=[])
    node.ag_generated = True
    return node


class _Converter(ast.NodeTransformer):
    """Rewrites `if`, `while` and `for` statements of one function into `ag__` calls."""

    def __init__(self):
        self.counter = itertools.count(1)

    # -- statement lists: returns inside `if` -------------------------------------------
    def _block(self, stmts):
        """Converts a list of statements; an `if` whose body always returns and that has no
        `else` takes the statements after it as its `else` (TensorFlow does the same)."""
        out = []
        stmts = list(stmts)
        for i, stmt in enumerate(stmts):
            if (isinstance(stmt, ast.If) and not stmt.orelse and _always_returns(stmt.body)
                    and i + 1 < len(stmts) and _always_returns(stmts[i + 1:])):
                stmt.orelse = stmts[i + 1:]
                out.extend(self._statement(stmt))
                return out
            out.extend(self._statement(stmt))
        return out

    def _statement(self, stmt):
        result = self.visit(stmt)
        return result if isinstance(result, list) else [result]

    def visit_FunctionDef(self, node):
        if getattr(node, "ag_root", False):
            node.body = self._block(node.body)
        return node  # nested functions are left as they are

    visit_AsyncFunctionDef = visit_ClassDef = visit_Lambda = lambda self, node: node

    # -- if --------------------------------------------------------------------------------
    def visit_If(self, node):
        n = next(self.counter)
        returns_body = _contains(node.body, (ast.Return,))
        returns_else = _contains(node.orelse, (ast.Return,))
        if returns_body or returns_else:
            if not (_always_returns(node.body) and _always_returns(node.orelse)):
                raise ConversionError(
                    f"line {node.lineno}: a return inside an `if` must end every path of both "
                    "branches (or have the rest of the function after it)")
            true_fn = _function(f"if_true_{n}", [], self._block(node.body), None)
            false_fn = _function(f"if_false_{n}", [], self._block(node.orelse), None)
            call = _ag_call("if_stmt", node.test, _name(true_fn.name), _name(false_fn.name),
                            ast.Tuple(elts=[], ctx=ast.Load()), ast.Constant(True))
            return [true_fn, false_fn, ast.Return(value=call)]
        names = _assigned(node.body + node.orelse)
        true_fn = _function(f"if_true_{n}", names, self._block(node.body), names)
        false_fn = _function(f"if_false_{n}", names, self._block(node.orelse), names)
        call = _ag_call("if_stmt", node.test, _name(true_fn.name), _name(false_fn.name),
                        _state_call(names), ast.Constant(False))
        return [true_fn, false_fn, self._assign(names, call)]

    @staticmethod
    def _assign(names, call):
        if not names:
            return ast.Expr(value=call)
        return ast.Assign(targets=[_names_tuple(names, store=True)], value=call)

    # -- loops -------------------------------------------------------------------------------
    def _loop_body(self, node, n):
        """The loop's body with break/continue turned into flags; the break flag's name (or
        None) and the statements to run before the loop."""
        if node.orelse:
            raise ConversionError(f"line {node.lineno}: a loop's `else` clause")
        if _contains(node.body, (ast.Return,)):
            raise ConversionError(f"line {node.lineno}: a return inside a loop")
        body, before, brk = list(node.body), [], None
        if _contains(body, (ast.Continue,)):
            flag = f"ag__continue_{n}"
            body = [_parse(f"{flag} = False")[0], *_guarded(body, flag, ast.Continue)]
        if _contains(body, (ast.Break,)):
            brk = f"ag__break_{n}"
            before = _parse(f"{brk} = False")
            body = _guarded(body, brk, ast.Break)
        return body, before, brk

    def visit_While(self, node):
        n = next(self.counter)
        body, before, brk = self._loop_body(node, n)
        names = _assigned(body)
        body = self._block(body)
        test = node.test
        if brk is not None:
            test = _ag_call("and_", _parse(f"lambda: ag__.not_({brk})")[0].value,
                            ast.Lambda(args=_no_args(), body=test))
        test_fn = _function(f"loop_test_{n}", names, [ast.Return(value=test)], None)
        body_fn = _function(f"loop_body_{n}", names, body, names)
        call = _ag_call("while_stmt", _name(test_fn.name), _name(body_fn.name),
                        _state_call(names), ast.Tuple(elts=[ast.Constant(x) for x in names],
                                                      ctx=ast.Load()))
        return [*before, test_fn, body_fn, self._assign(names, call)]

    def visit_For(self, node):
        n = next(self.counter)
        body, before, brk = self._loop_body(node, n)
        item = f"ag__item_{n}"
        body = [ast.Assign(targets=[node.target], value=_name(item)), *body]
        names = _assigned(body)
        body = self._block(body)
        body_fn = _function(f"loop_body_{n}", [item, *names], body, names)
        extra = ast.Constant(None)
        if brk is not None:
            extra = _function(f"extra_test_{n}", names,
                              _parse(f"return ag__.not_({brk})"), None)
        iterable = node.iter
        if (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)
                and iterable.func.attr == "range"):  # tf.range(...): a counter, maybe
            iterable = ast.Call(
                func=ast.Attribute(value=_name("ag__"), attr="range_iterable", ctx=ast.Load()),
                args=[iterable.func, *iterable.args], keywords=iterable.keywords)
        call = _ag_call("for_stmt", iterable, _name(body_fn.name), _state_call(names),
                        ast.Tuple(elts=[ast.Constant(x) for x in names], ctx=ast.Load()),
                        _name(extra.name) if brk is not None else extra)
        pre = [extra] if brk is not None else []
        return [*before, *pre, body_fn, self._assign(names, call)]


def _no_args():
    return ast.arguments(posonlyargs=[], args=[], vararg=None, kwonlyargs=[],
                         kw_defaults=[], kwarg=None, defaults=[])


def _guarded(stmts, flag, kind):
    """`stmts` with each `break`/`continue` (of `kind`, this loop's) set `flag`, and every
    statement after one that may set it run only `if ag__.not_(flag)`."""
    out = []
    for i, stmt in enumerate(stmts):
        if isinstance(stmt, kind):
            out.extend(_parse(f"{flag} = True"))
            return out  # the rest of this block never runs
        if isinstance(stmt, ast.If) and _contains([stmt], (kind,)):
            stmt.body = _guarded(stmt.body, flag, kind)
            stmt.orelse = _guarded(stmt.orelse, flag, kind)
            out.append(stmt)
            rest = stmts[i + 1:]
            if rest:
                guard = _parse(f"if ag__.not_({flag}):\n    pass")[0]
                guard.body = _guarded(rest, flag, kind)
                out.append(guard)
            return out
        if isinstance(stmt, (ast.With, ast.Try)) and _contains([stmt], (kind,)):
            raise ConversionError(f"line {stmt.lineno}: a break or continue inside a "
                                  f"{type(stmt).__name__.lower()} block")
        out.append(stmt)
    return out


# -- conversion of a function --------------------------------------------------------------------

_CONVERTED = {}  # code object -> (converted function factory, source) or the reason it failed


def _convert_code(fn):
    """The converted source of plain function `fn` and a factory making it, or raises
    ConversionError."""
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError) as err:
        raise ConversionError(f"its source is not available ({err})") from None
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise ConversionError(f"its source does not parse on its own ({err.msg})") from None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef):
        raise ConversionError("it is not a `def` function (a lambda or a callable object)")
    if any(isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await)) for n in _walk_scope(
            node.body)):
        raise ConversionError("it is a generator")
    if any(isinstance(n, (ast.Global, ast.Nonlocal)) for n in _walk_scope(node.body)):
        raise ConversionError("it declares global or nonlocal names")
    free = list(fn.__code__.co_freevars)
    if "__class__" in free:  # super() needs the class cell, which the new code lacks
        if not node.args.args:
            raise ConversionError("it calls super() without arguments and has no `self`")
        _explicit_super(node, node.args.args[0].arg)
        free[free.index("__class__")] = "ag__class"
    node.decorator_list = []
    node.ag_root = True
    node = _Converter().visit(node)
    factory = _function("ag__factory", ["ag__", *free], [node], None)
    factory.body.append(ast.Return(value=_name(node.name)))
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    text = ast.unparse(node)
    filename = f"<autograph {fn.__qualname__}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    namespace = {}
    exec(compile(module, filename, "exec"), fn.__globals__, namespace)  # noqa: S102
    return namespace["ag__factory"], text


def _explicit_super(node, self_name):
    """Rewrites `super()` as `super(ag__class, self)` (ag__class: the method's class)."""
    for call in ast.walk(node):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and (
                call.func.id == "super") and not call.args:
            call.args = [_name("ag__class"), _name(self_name)]


def _needs_conversion(fn):
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    module = getattr(fn, "__module__", "") or ""
    if module == "tapegrad" or module.startswith("tapegrad."):
        return False  # tapegrad's own code is written with tensor ops already
    if getattr(fn, "__ag_do_not_convert__", False) or fn.__name__ == "<lambda>":
        return False  # a lambda holds no statements to convert
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        return True  # let conversion say why it cannot
    return any(word in source for word in ("if ", "while ", "for "))


def convert(fn, name=None):
    """`fn` with its control flow converted (a bound method stays bound), or `fn` itself if
    it has none or cannot be converted (then with one warning saying why)."""
    target = getattr(fn, "__func__", fn)
    if not _needs_conversion(target):
        return fn
    entry = _CONVERTED.get(target.__code__)
    if entry is None:
        try:
            entry = _convert_code(target)
        except ConversionError as err:
            entry = str(err)
            warnings.warn(f"AutoGraph could not transform {fn!r} and will run it as-is. "
                          f"Cause: {err}. tf.function then traces the Python code as written "
                          "(a Python `if` on a tensor runs eagerly).", stacklevel=4)
        _CONVERTED[target.__code__] = entry
    if isinstance(entry, str):
        return fn
    factory, _ = entry
    cells = [c.cell_contents for c in (target.__closure__ or ())]
    converted = factory(autograph_ops, *cells)
    converted.__defaults__ = target.__defaults__
    converted.__kwdefaults__ = target.__kwdefaults__
    converted.__wrapped__ = target
    if hasattr(fn, "__self__"):
        return types.MethodType(converted, fn.__self__)
    return converted


def to_code(entity, recursive=True, experimental_optional_features=None):
    """The source of `entity` as AutoGraph converts it (tf.autograph.to_code).

    Raises:
        ValueError: if it cannot be converted, saying why.
    """
    target = getattr(entity, "python_function", entity)
    target = getattr(target, "__func__", target)
    try:
        _, text = _convert_code(target)
    except ConversionError as err:
        raise ValueError(f"tf.autograph.to_code: cannot convert {entity!r}: {err}") from None
    return text + "\n"


def to_graph(entity, recursive=True, experimental_optional_features=None):
    """`entity` converted by AutoGraph (tf.autograph.to_graph): its `if`, `while` and `for`
    on tensors call tf.cond and tf.while_loop.

    Raises:
        ValueError: if it cannot be converted, saying why.
    """
    target = getattr(entity, "__func__", entity)
    try:
        _convert_code(target)
    except ConversionError as err:
        raise ValueError(f"tf.autograph.to_graph: cannot convert {entity!r}: {err}") from None
    _CONVERTED.pop(getattr(target, "__code__", None), None)
    return convert(entity)


def do_not_convert(func=None):
    """Marks `func` to be traced as written, without AutoGraph's conversion."""
    if func is None:
        return do_not_convert
    func.__ag_do_not_convert__ = True
    return func
