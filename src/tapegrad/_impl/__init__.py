"""The code behind the public ops: argument checks, composites and the functions that bind the
primitives of `tapegrad/ops/`, grouped as TensorFlow groups them (`math_ops`, `array_ops`,
`nn_ops`, ...). The public namespaces (`tapegrad/__init__.py`, `math.py`, `nn.py`, ...) list
their names; nothing here is imported by name from outside tapegrad."""
