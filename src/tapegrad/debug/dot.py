"""Graphviz's DOT text, and images rendered from it by the optional `graphviz` package.

Public (tapegrad's own, not TensorFlow's): `tapegrad.debug.graph` and Keras's `plot_model`
both write DOT with it, and Keras uses only tapegrad's public modules.
"""

__all__ = ["quote", "render_dot"]

_INSTALL = ('pip install "tapegrad[plot]" (the graphviz package) and Graphviz itself '
            "(https://graphviz.org/download/, which provides the `dot` program)")


def quote(text):
    """`text` as a DOT string: backslashes and quotes escaped, line breaks as \\n."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def render_dot(source, fmt, what):
    """The image (bytes, in format `fmt`: svg, png, pdf, ...) that Graphviz draws of `source`.

    Raises:
        ImportError: naming what to install, if the `graphviz` package or Graphviz's `dot`
            program is missing (`what` names the caller).
    """
    try:
        import graphviz
    except ImportError:
        raise ImportError(f"{what} draws images with the optional `graphviz` package: "
                          f"{_INSTALL}. The DOT text (to_dot()) needs neither.") from None
    try:
        return graphviz.Source(source).pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise ImportError(f"{what}: the `graphviz` package is installed, but Graphviz's `dot` "
                          f"program is not on the PATH: {_INSTALL}.") from None
