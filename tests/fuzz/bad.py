"""Deliberately invalid calls: each ends a program, and both libraries must raise its error class.

Each entry is an op called in a way TensorFlow refuses (shapes that do not broadcast, an axis out
of range, a wrong dtype, ...), for the shape of the value it is applied to.
"""

import numpy as np

from .ops import Op


class Bad(Op):
    __slots__ = ("error",)

    def __init__(self, name, template, params, error="InvalidArgumentError"):
        super().__init__(name, template, params=params, connects=())
        self.error = error


def _rank(lo, hi=99):
    return lambda s: lo <= len(s) <= hi


def _when(test, draw=lambda rng, s: {}):
    return lambda rng, s: draw(rng, s) if test(s) else None


BAD = [
    Bad("add", "tf.add({0}, tf.ones([{k}], dtype={0}.dtype))",
        _when(lambda s: s and s[-1] > 1, lambda rng, s: {"k": s[-1] + 1})),
    Bad("reduce_sum", "tf.reduce_sum({0}, axis={r})", lambda rng, s: {"r": len(s) + 1}),
    Bad("reshape", "tf.reshape({0}, [{n}])", lambda rng, s: {"n": int(np.prod(s)) + 1}),
    Bad("gather", "tf.gather({0}, [{n}])", _when(_rank(1), lambda rng, s: {"n": s[0]})),
    Bad("transpose", "tf.transpose({0}, perm={perm})",
        _when(_rank(1), lambda rng, s: {"perm": list(range(len(s) + 1))})),
    Bad("concat", "tf.concat([{0}, tf.zeros({shape}, {0}.dtype)], 0)",
        _when(_rank(1), lambda rng, s: {"shape": [1] * (len(s) + 1)})),
    Bad("matmul", "tf.matmul({0}, {0})", _when(lambda s: len(s) >= 2 and s[-1] != s[-2])),
    Bad("sqrt", "tf.sqrt(tf.cast({0}, tf.int32))", lambda rng, s: {}),
    Bad("add", "{0} + tf.cast({0}, tf.float32)", lambda rng, s: {}),
    Bad("expand_dims", "tf.expand_dims({0}, {a})", lambda rng, s: {"a": len(s) + 2}),
    Bad("split", "tf.split({0}, {k}, axis=0)",
        _when(_rank(1), lambda rng, s: {"k": s[0] + 1})),
    Bad("squeeze", "tf.squeeze({0}, axis=[{a}])", _when(
        lambda s: any(d != 1 for d in s), lambda rng, s: {"a": [d != 1 for d in s].index(True)})),
    Bad("inv", "tf.linalg.inv({0})", _when(lambda s: len(s) < 2 or s[-1] != s[-2])),
    Bad("tile", "tf.tile({0}, [2, 2, 2, 2])", _when(_rank(0, 3))),
    Bad("broadcast_to", "tf.broadcast_to({0}, [{n}])",
        _when(lambda s: s and s[-1] > 1, lambda rng, s: {"n": s[-1] + 1})),
    Bad("gather_nd", "tf.gather_nd({0}, [[{n}]])", _when(_rank(1), lambda rng, s: {"n": s[0]})),
    Bad("pad", "tf.pad({0}, {pads})", lambda rng, s: {"pads": [[1, 1]] * (len(s) + 1)}),
    Bad("cumsum", "tf.cumsum({0}, axis={r})", _when(_rank(1), lambda rng, s: {"r": len(s)})),
    Bad("boolean_mask", "tf.boolean_mask({0}, {mask})",
        _when(_rank(1), lambda rng, s: {"mask": [True] * (s[0] + 1)}), "ValueError"),
    Bad("stack", "tf.stack([{0}, tf.zeros([7], {0}.dtype)])", _when(lambda s: s != (7,))),
    Bad("softmax_cross_entropy_with_logits",
        "tf.nn.softmax_cross_entropy_with_logits(labels={0}, logits=tf.concat([{0}, {0}], -1))",
        _when(_rank(1))),
    Bad("floordiv", "tf.math.floordiv(tf.cast({0}, tf.int32), 0)", lambda rng, s: {}),
    Bad("floormod", "tf.math.floormod(tf.cast({0}, tf.int32), 0)", lambda rng, s: {}),
    Bad("one_hot", "tf.one_hot(tf.argmax({0}, axis=-1), -1)", _when(_rank(1))),
    Bad("reshape", "tf.reshape({0}, [{n}.0])", lambda rng, s: {"n": int(np.prod(s))}),
]
