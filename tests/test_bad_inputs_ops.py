"""Bad calls across the op surface: each raises TensorFlow's error class with a clear message.

Every entry is written once as `call(m)` for a module `m`: with `m = tapegrad` it must raise
`error` (TensorFlow's class for it, checked against TensorFlow 2.21 while writing) and name
the operation and the offending shape, dtype or value (`mentions`), without a raw NumPy or
Python message; `test_tensorflow_raises_the_same_class` reruns the entries marked `TF` with
TensorFlow itself where it is installed. Entries marked `OURS` are refusals TensorFlow does
not make (it allows rank up to 254), each with the reason.
"""

import builtins

import numpy as np
import pytest

import tapegrad
from bad_input import assert_clear_error

TF, OURS = True, False
IAE, VE, TE = "InvalidArgumentError", "ValueError", "TypeError"


def _v(m):
    return m.constant([1.0, 2.0])


def _i(m):
    return m.constant([1, 2])


def _mat(m):
    return m.ones([2, 3])


def _nested(depth):
    value = 1.0
    for _ in range(depth):
        value = [value]
    return value


# (id, call(m), error class name, mentions, compared with TensorFlow)
CASES = [
    # -- elementwise math: shapes, dtypes, conversions ------------------------------------------
    ("add_shapes", lambda m: m.add(m.ones([2]), m.ones([3])), IAE, ("add", "float32[3]"), TF),
    ("multiply_shapes", lambda m: m.multiply(m.ones([2, 3]), m.ones([3, 2])), IAE,
     ("multiply", "float32[3, 2]"), TF),
    ("operator_shapes", lambda m: _v(m) + [1.0, 2.0, 3.0], IAE, ("add", "[3]"), TF),
    ("subtract_dtypes", lambda m: m.subtract(_v(m), _i(m)), IAE, ("subtract", "int32"), TF),
    ("maximum_dtypes", lambda m: m.maximum(_v(m), m.constant([1.0, 2.0], m.float64)), IAE,
     ("maximum", "float64"), TF),
    ("where_dtypes", lambda m: m.where(m.constant([True, False]), _v(m), _i(m)), IAE,
     ("where", "int32"), TF),
    ("int_times_fraction", lambda m: _i(m) * 1.5, TE, ("multiply", "1.5", "int32"), TF),
    ("fraction_plus_int", lambda m: 1.5 + _i(m), TE, ("add", "1.5"), TF),
    ("int_pow_fraction", lambda m: m.pow(_i(m), 0.5), TE, ("pow", "0.5"), TF),
    ("add_int_fraction", lambda m: m.add(_i(m), 1.5), IAE, ("add", "1.5"), TF),
    ("add_none", lambda m: m.add(_v(m), None), VE, ("add", "None"), TF),
    ("add_ragged_list", lambda m: _v(m) + [[1.0], [2.0, 3.0]], VE, ("add", "ragged"), TF),
    ("add_string", lambda m: _v(m) + "a", IAE, ("add", "'a'"), TF),
    ("multiply_string", lambda m: m.multiply(_v(m), "a"), TE, ("multiply", "'a'"), TF),
    ("maximum_string", lambda m: m.maximum(_v(m), "a"), TE, ("maximum", "'a'"), TF),
    ("exp_of_int", lambda m: m.exp(_i(m)), IAE, ("exp", "int32"), TF),
    ("sqrt_of_int", lambda m: m.sqrt(_i(m)), IAE, ("sqrt", "int32"), TF),
    ("log_of_bool", lambda m: m.math.log(m.constant([True])), IAE, ("log", "bool"), TF),
    ("tanh_of_int", lambda m: m.tanh(_i(m)), IAE, ("tanh", "int32"), TF),
    ("floordiv_by_zero", lambda m: m.math.floordiv(_i(m), m.constant([0, 1])), IAE,
     ("floordiv", "division by zero", "int32"), TF),
    ("floormod_by_zero", lambda m: m.math.floormod(m.constant([5], m.int64), 0), IAE,
     ("mod", "division by zero", "int64"), TF),
    ("floordiv_operator_by_zero", lambda m: m.constant(7) // 0, IAE,
     ("floordiv", "division by zero"), TF),
    ("mod_operator_by_zero", lambda m: m.constant([7], m.uint8) % m.constant([0], m.uint8),
     IAE, ("mod", "division by zero", "uint8"), TF),
    ("logical_and_of_floats", lambda m: m.logical_and(_v(m), _v(m)), IAE,
     ("logical_and", "float32"), TF),
    ("logical_not_of_ints", lambda m: m.logical_not(_i(m)), IAE, ("logical_not", "int32"), TF),
    ("add_n_empty", lambda m: m.add_n([]), VE, ("add_n", "[]"), TF),
    ("add_n_shapes", lambda m: m.add_n([m.ones([2]), m.ones([3])]), IAE, ("add_n", "[3]"), TF),
    ("clip_by_value_broadcasts_t", lambda m: m.clip_by_value(_v(m), m.zeros([3, 2]), 1.0), VE,
     ("clip_by_value", "[3, 2]"), TF),
    ("divide_bools", lambda m: m.math.floordiv(m.constant([True]), m.constant([True])), IAE,
     ("floordiv", "bool"), TF),
    ("pow_of_bools", lambda m: m.pow(m.constant([True]), m.constant([True])), IAE,
     ("pow", "bool"), TF),
    ("int_to_negative_power", lambda m: m.pow(m.constant([2]), m.constant([-1])), IAE,
     ("pow", "int32"), TF),
    ("floor_of_int", lambda m: m.floor(_i(m)), IAE, ("floor", "int32"), TF),
    ("ceil_of_int", lambda m: m.math.ceil(_i(m)), IAE, ("ceil", "int32"), TF),
    # -- reductions, scans and arg ops ----------------------------------------------------------
    ("reduce_sum_of_bools", lambda m: m.reduce_sum(m.constant([True, False])), IAE,
     ("reduce_sum", "bool"), TF),
    ("reduce_mean_of_bools", lambda m: m.reduce_mean(m.constant([True, False])), IAE,
     ("reduce_mean", "bool"), TF),
    ("reduce_max_of_bools", lambda m: m.reduce_max(m.constant([True, False])), IAE,
     ("reduce_max", "bool"), TF),
    ("reduce_prod_of_bools", lambda m: m.reduce_prod(m.constant([True, False])), IAE,
     ("reduce_prod", "bool"), TF),
    ("reduce_all_of_floats", lambda m: m.reduce_all(_v(m)), IAE, ("reduce_all", "float32"), TF),
    ("reduce_any_of_ints", lambda m: m.reduce_any(_i(m)), IAE, ("reduce_any", "int32"), TF),
    ("cumsum_of_bools", lambda m: m.math.cumsum(m.constant([True])), IAE, ("cumsum", "bool"),
     TF),
    ("argmax_output_float", lambda m: m.argmax(_v(m), output_type=m.float32), IAE,
     ("argmax", "float32"), TF),
    ("argmax_output_int8", lambda m: m.argmax(_v(m), output_type=m.int8), IAE,
     ("argmax", "int8"), TF),
    ("reduce_sum_axis_float", lambda m: m.reduce_sum(_mat(m), axis=1.0), TE,
     ("reduce_sum", "1.0"), TF),
    ("reduce_mean_axis_float", lambda m: m.reduce_mean(_mat(m), axis=1.0), TE,
     ("reduce_mean", "1.0"), TF),
    ("reduce_sum_axis_float_list", lambda m: m.reduce_sum(_mat(m), axis=[1.0]), IAE,
     ("reduce_sum", "1.0"), TF),
    ("reduce_sum_axis_float_tensor", lambda m: m.reduce_sum(_mat(m), axis=m.constant(1.0)),
     IAE, ("reduce_sum", "1.0"), TF),
    ("reduce_max_axis_string", lambda m: m.reduce_max(_mat(m), axis="s"), IAE,
     ("reduce_max", "'s'"), TF),
    ("reduce_sum_axis_out_of_range", lambda m: m.reduce_sum(_mat(m), axis=2), IAE,
     ("reduce_sum", "axis 2", "rank 2"), TF),
    ("reduce_min_axis_negative", lambda m: m.reduce_min(_mat(m), axis=-3), IAE,
     ("reduce_min", "-3"), TF),
    ("reduce_sum_axis_repeated", lambda m: m.reduce_sum(_mat(m), axis=[0, 0]), IAE,
     ("reduce_sum", "[0, 0]"), TF),
    ("reduce_prod_axis_repeated", lambda m: m.reduce_prod(_mat(m), axis=[1, -1]), IAE,
     ("reduce_prod", "[1, -1]"), TF),
    ("reduce_std_of_ints", lambda m: m.math.reduce_std(_i(m)), TE, ("reduce_std", "int32"), TF),
    ("reduce_variance_of_ints", lambda m: m.math.reduce_variance(_i(m)), TE,
     ("reduce_variance", "int32"), TF),
    ("cumsum_axis_float", lambda m: m.math.cumsum(_v(m), axis=1.0), TE, ("cumsum", "1.0"), TF),
    ("cumsum_axis_out_of_range", lambda m: m.math.cumsum(_v(m), axis=3), IAE,
     ("cumsum", "axis 3"), TF),
    ("cumprod_axis_out_of_range", lambda m: m.math.cumprod(_mat(m), axis=-3), IAE,
     ("cumprod", "-3"), TF),
    ("argmax_of_scalar", lambda m: m.argmax(m.constant(1.0)), IAE, ("argmax", "scalar"), TF),
    ("argmax_axis_out_of_range", lambda m: m.argmax(_mat(m), axis=2), IAE,
     ("argmax", "axis 2"), TF),
    ("argmin_axis_float", lambda m: m.argmin(_mat(m), axis=1.0), TE, ("argmin", "1.0"), TF),
    ("argmax_of_empty", lambda m: m.argmax(m.zeros([0])), IAE, ("argmax", "(0,)", "empty"), TF),
    ("norm_negative_ord", lambda m: m.norm(_v(m), ord=-1), VE, ("norm", "-1"), TF),
    ("norm_repeated_axes", lambda m: m.norm(_mat(m), axis=(0, 0)), VE, ("norm", "(0, 0)"), TF),
    ("l2_normalize_axis_out_of_range", lambda m: m.math.l2_normalize(_v(m), axis=1), IAE,
     ("l2_normalize", "axis 1"), TF),
    ("softmax_axis_out_of_range", lambda m: m.nn.softmax(_v(m), axis=3), IAE,
     ("softmax", "axis 3"), TF),
    ("softmax_of_ints", lambda m: m.nn.softmax(_i(m)), IAE, ("softmax", "int32"), TF),
    ("log_softmax_of_scalar", lambda m: m.nn.log_softmax(m.constant(1.0)), IAE,
     ("log_softmax", "scalar"), TF),
    # -- shapes: reshape, transpose, squeeze, expand_dims, tile, broadcast_to --------------------
    ("reshape_element_count", lambda m: m.reshape(_v(m), [3]), IAE, ("reshape", "2", "[3]"),
     TF),
    ("reshape_float_shape", lambda m: m.reshape(m.zeros([6]), [2.0, 3.0]), IAE,
     ("reshape", "2.0"), TF),
    ("reshape_float_tensor_shape", lambda m: m.reshape(m.zeros([6]), m.constant([2.0, 3.0])),
     IAE, ("reshape", "2.0"), TF),
    ("reshape_two_inferred", lambda m: m.reshape(m.zeros([6]), [-1, -1]), IAE,
     ("reshape", "[-1, -1]"), TF),
    ("reshape_negative", lambda m: m.reshape(m.zeros([6]), [-2, -3]), IAE, ("reshape", "-2"),
     TF),
    ("reshape_none", lambda m: m.reshape(m.zeros([6]), None), VE, ("reshape", "None"), TF),
    ("reshape_unknown_dimension", lambda m: m.reshape(m.zeros([6]), [None, 3]), VE,
     ("reshape", "None"), TF),
    ("reshape_matrix_shape", lambda m: m.reshape(m.zeros([6]), [[2, 3]]), IAE,
     ("reshape", "[[2, 3]]"), TF),
    ("transpose_repeated_perm", lambda m: m.transpose(_mat(m), [0, 0]), IAE,
     ("transpose", "[0, 0]"), TF),
    ("transpose_short_perm", lambda m: m.transpose(_mat(m), [0]), IAE, ("transpose", "[0]"), TF),
    ("transpose_float_perm", lambda m: m.transpose(_mat(m), [1.0, 0.0]), IAE,
     ("transpose", "[1.0, 0.0]"), TF),
    ("squeeze_not_size_one", lambda m: m.squeeze(_mat(m), 0), IAE, ("squeeze", "axis 0", "2"),
     TF),
    ("squeeze_axis_out_of_range", lambda m: m.squeeze(m.zeros([1, 2]), 4), IAE,
     ("squeeze", "axis 4"), TF),
    ("expand_dims_out_of_range", lambda m: m.expand_dims(_v(m), 5), IAE,
     ("expand_dims", "axis 5"), TF),
    ("tile_wrong_length", lambda m: m.tile(_v(m), [1, 2]), IAE, ("tile", "[1, 2]"), TF),
    ("tile_negative", lambda m: m.tile(_v(m), [-1]), IAE, ("tile", "-1"), TF),
    ("tile_float", lambda m: m.tile(_v(m), [2.0]), IAE, ("tile", "2.0"), TF),
    ("broadcast_to_incompatible", lambda m: m.broadcast_to(m.zeros([3]), [2, 4]), IAE,
     ("broadcast_to", "[3]", "[2, 4]"), TF),
    ("broadcast_to_negative", lambda m: m.broadcast_to(_v(m), [-1, 2]), IAE,
     ("broadcast_to", "-1"), TF),
    ("broadcast_to_float_shape", lambda m: m.broadcast_to(_v(m), [1.0, 2.0]), IAE,
     ("broadcast_to", "1.0"), TF),
    # -- joining, splitting, padding, reversing, selecting ---------------------------------------
    ("concat_shapes", lambda m: m.concat([m.zeros([2, 3]), m.zeros([2, 4])], 0), IAE,
     ("concat", "[2, 4]"), TF),
    ("concat_ranks", lambda m: m.concat([m.zeros([2, 3]), m.zeros([3])], 0), IAE,
     ("concat", "[3]"), TF),
    ("concat_dtypes", lambda m: m.concat([_v(m), _i(m)], 0), IAE, ("concat", "int32"), TF),
    ("concat_axis_out_of_range", lambda m: m.concat([_v(m), _v(m)], 1), IAE,
     ("concat", "axis 1"), TF),
    ("concat_axis_float", lambda m: m.concat([_v(m), _v(m)], 1.0), TE, ("concat", "1.0"), TF),
    ("concat_scalars", lambda m: m.concat([m.constant(1.0), m.constant(2.0)], 0), IAE,
     ("concat", "scalar"), TF),
    ("stack_shapes", lambda m: m.stack([m.zeros([2]), m.zeros([3])]), IAE, ("stack", "[3]"), TF),
    ("stack_dtypes", lambda m: m.stack([_v(m), _i(m)]), IAE, ("stack", "int32"), TF),
    ("stack_axis_out_of_range", lambda m: m.stack([_v(m), _v(m)], axis=3), VE,
     ("stack", "axis 3"), TF),
    ("unstack_scalar", lambda m: m.unstack(m.constant(1.0)), VE, ("unstack", "scalar"), TF),
    ("unstack_wrong_num", lambda m: m.unstack(_v(m), num=3), IAE, ("unstack", "num=3"), TF),
    ("split_uneven", lambda m: m.split(m.zeros([5]), 2), IAE, ("split", "size 5"), TF),
    ("split_sizes", lambda m: m.split(m.zeros([5]), [2, 2]), IAE, ("split", "[2, 2]"), TF),
    ("pad_wrong_rank", lambda m: m.pad(_v(m), [[1, 1], [1, 1]]), IAE,
     ("pad", "[[1, 1], [1, 1]]"), TF),
    ("pad_negative", lambda m: m.pad(_v(m), [[-1, 1]]), IAE, ("pad", "-1"), TF),
    ("pad_reflect_too_wide", lambda m: m.pad(_v(m), [[2, 0]], mode="REFLECT"), IAE,
     ("pad", "REFLECT", "[2, 0]"), TF),
    ("pad_unknown_mode", lambda m: m.pad(_v(m), [[1, 0]], mode="WRAP"), VE, ("pad", "WRAP"), TF),
    ("reverse_repeated_axis", lambda m: m.reverse(_v(m), [0, 0]), IAE, ("reverse", "[0, 0]"),
     TF),
    ("reverse_axis_out_of_range", lambda m: m.reverse(_v(m), [3]), IAE,
     ("reverse", "axis 3"), TF),
    ("where_int_condition", lambda m: m.where(_i(m), _v(m), _v(m)), IAE, ("where", "int32"), TF),
    ("where_shapes", lambda m: m.where(m.constant([True, False]), _v(m), m.zeros(3)), IAE,
     ("where", "float32[3]"), TF),
    ("where_only_x", lambda m: m.where(m.constant([True, False]), _v(m)), VE, ("where", "x"),
     TF),
    ("boolean_mask_shape", lambda m: m.boolean_mask(_v(m), [True]), VE,
     ("boolean_mask", "[1]"), TF),
    ("one_hot_negative_depth", lambda m: m.one_hot([0, 1], depth=-1), IAE, ("one_hot", "-1"),
     TF),
    ("one_hot_fractional_depth", lambda m: m.one_hot([0, 1], depth=2.5), TE,
     ("one_hot", "2.5"), TF),
    ("one_hot_list_depth", lambda m: m.one_hot([0], [2]), IAE, ("one_hot", "[2]"), TF),
    ("one_hot_float_indices", lambda m: m.one_hot([0.5], 3), IAE, ("one_hot", "float"), TF),
    ("one_hot_axis_out_of_range", lambda m: m.one_hot([0], 2, axis=-2), IAE,
     ("one_hot", "-2"), TF),
    ("cast_unknown_dtype", lambda m: m.cast(_v(m), "float7"), TE, ("cast", "float7"), TF),
    # -- gathering and indexing -----------------------------------------------------------------
    ("gather_out_of_range", lambda m: m.gather(_v(m), [5]), IAE, ("gather", "5", "[0, 2)"), TF),
    ("gather_negative", lambda m: m.gather(_v(m), [-1]), IAE, ("gather", "-1"), TF),
    ("gather_float_indices", lambda m: m.gather(_v(m), [0.0]), IAE, ("gather", "float"), TF),
    ("gather_axis_out_of_range", lambda m: m.gather(_v(m), [0], axis=2), IAE,
     ("gather", "axis 2"), TF),
    ("gather_nd_out_of_range", lambda m: m.gather_nd(m.zeros([2, 2]), [[3, 0]]), IAE,
     ("gather_nd", "[3, 0]"), TF),
    ("gather_nd_too_deep", lambda m: m.gather_nd(m.zeros([2, 2]), [[0, 0, 0]]), IAE,
     ("gather_nd", "[1, 3]"), TF),
    ("getitem_out_of_range", lambda m: _v(m)[5], IAE, ("index", "5"), TF),
    ("getitem_too_many_indices", lambda m: _v(m)[0, 0], IAE, ("getitem", "[2]", "[0, 0]"), TF),
    ("getitem_slice_then_out_of_range", lambda m: _mat(m)[:, 7], IAE,
     ("getitem", "[2, 3]", "[:, 7]"), TF),
    ("getitem_float", lambda m: _v(m)[1.0], TE, ("indices", "1.0"), TF),
    ("getitem_string", lambda m: _v(m)["a"], TE, ("indices", "'a'"), TF),
    # -- creation ---------------------------------------------------------------------------------
    ("constant_ragged", lambda m: m.constant([[1, 2], [3]]), VE,
     ("constant", "ragged", "value[1]"), TF),
    ("constant_ragged_deep", lambda m: m.constant([[[1.0], [2.0]], [[3.0]]]), VE,
     ("constant", "ragged", "value[1]"), TF),
    ("constant_none", lambda m: m.constant(None), VE, ("constant", "None"), TF),
    ("constant_dict", lambda m: m.constant({"a": 1}), VE, ("constant", "dict"), TF),
    ("constant_mixed_types", lambda m: m.constant([1, "a"]), VE, ("constant", "'a'"), TF),
    ("constant_with_none", lambda m: m.constant([1.0, None]), VE, ("constant", "None"), TF),
    ("constant_huge_int", lambda m: m.constant(2**70), VE, ("constant", "int64"), TF),
    ("constant_fraction_as_int", lambda m: m.constant(1.5, m.int32), TE,
     ("constant", "1.5", "int32"), TF),
    ("constant_shape_mismatch", lambda m: m.constant([1, 2, 3], shape=[2, 2]), TE,
     ("constant", "(2, 2)"), TF),
    ("convert_ragged", lambda m: m.convert_to_tensor([[1, 2], [3]]), VE,
     ("convert_to_tensor", "ragged"), TF),
    ("convert_dtype_conflict", lambda m: m.convert_to_tensor(_v(m), dtype=m.int32), VE,
     ("conversion", "int32", "float32"), TF),
    ("zeros_negative", lambda m: m.zeros([-1, 3]), IAE, ("zeros", "-1"), TF),
    ("zeros_fractional", lambda m: m.zeros(2.5), TE, ("zeros", "2.5"), TF),
    ("zeros_float_list", lambda m: m.zeros([2.0, 3.0]), TE, ("zeros", "2.0"), TF),
    ("zeros_unknown_dimension", lambda m: m.zeros([None, 2]), VE, ("zeros", "None"), TF),
    ("zeros_string", lambda m: m.zeros("abc"), TE, ("zeros", "'abc'"), TF),
    ("zeros_matrix_shape", lambda m: m.zeros([[2, 3]]), IAE, ("zeros", "[[2, 3]]"), TF),
    ("zeros_too_many_elements", lambda m: m.zeros([2**40, 2**40]), IAE,
     ("zeros", "2**63"), TF),
    ("ones_negative", lambda m: m.ones([2, -2]), IAE, ("ones", "-2"), TF),
    ("fill_negative", lambda m: m.fill([-1], 1.0), IAE, ("fill", "-1"), TF),
    ("fill_float_dims", lambda m: m.fill([2.0, 3.0], 1.0), IAE, ("fill", "2.0"), TF),
    ("fill_none_dims", lambda m: m.fill(None, 1.0), VE, ("fill", "None"), TF),
    ("fill_vector_value", lambda m: m.fill([2], [1.0, 2.0]), IAE, ("fill", "(2,)"), TF),
    ("eye_negative", lambda m: m.eye(-1), IAE, ("eye", "-1"), TF),
    ("eye_fractional", lambda m: m.eye(2.5), TE, ("eye", "2.5"), TF),
    ("range_zero_delta", lambda m: m.range(0, 5, 0), IAE, ("range", "delta"), TF),
    ("range_wrong_direction", lambda m: m.range(5, 0, 1), IAE, ("range", "start 5"), TF),
    ("range_fraction_for_int", lambda m: m.range(0.5, 3, dtype=m.int32), TE,
     ("range", "0.5", "int32"), TF),
    ("linspace_negative_num", lambda m: m.linspace(0.0, 1.0, -1), IAE, ("linspace", "-1"), TF),
    # -- random -----------------------------------------------------------------------------------
    ("normal_negative", lambda m: m.random.normal([-1, 2]), IAE, ("random.normal", "-1"), TF),
    ("normal_float_shape", lambda m: m.random.normal([2.0, 3.0]), IAE,
     ("random.normal", "2.0"), TF),
    ("normal_none_shape", lambda m: m.random.normal(None), VE, ("random.normal", "None"), TF),
    ("uniform_negative", lambda m: m.random.uniform([-1, 2]), IAE, ("random.uniform", "-1"), TF),
    ("uniform_int_negative", lambda m: m.random.uniform([-1], maxval=3, dtype=m.int32), IAE,
     ("random.uniform", "-1"), TF),
    ("uniform_int_without_maxval", lambda m: m.random.uniform([2], dtype=m.int32), VE,
     ("random.uniform", "maxval"), TF),
    ("uniform_int_empty_range", lambda m: m.random.uniform([2], 3, 3, dtype=m.int32), IAE,
     ("random.uniform", "minval=3", "maxval=3"), TF),
    ("normal_int_dtype", lambda m: m.random.normal([2], dtype=m.int32), TE,
     ("random.normal", "int32"), TF),
    ("truncated_normal_bool_dtype", lambda m: m.random.truncated_normal([2], dtype=m.bool), TE,
     ("random.truncated_normal", "bool"), TF),
    ("uniform_bool_dtype", lambda m: m.random.uniform([2], dtype=m.bool), VE,
     ("random.uniform", "bool"), TF),
    ("uniform_int_fraction_bound", lambda m: m.random.uniform([2], maxval=2.5, dtype=m.int32),
     TE, ("random.uniform", "2.5"), TF),
    ("truncated_normal_negative", lambda m: m.random.truncated_normal([2, -1]), IAE,
     ("random.truncated_normal", "-1"), TF),
    # -- nn ---------------------------------------------------------------------------------------
    ("sigmoid_xent_shapes",
     lambda m: m.nn.sigmoid_cross_entropy_with_logits(labels=m.ones([2]), logits=m.ones([3])),
     VE, ("sigmoid_cross_entropy_with_logits", "[3]"), TF),
    ("softmax_xent_shapes",
     lambda m: m.nn.softmax_cross_entropy_with_logits(labels=m.ones([2, 3]),
                                                      logits=m.ones([2, 4])),
     IAE, ("softmax_cross_entropy_with_logits", "[2, 4]"), TF),
    ("sparse_xent_label_out_of_range",
     lambda m: m.nn.sparse_softmax_cross_entropy_with_logits(labels=[5], logits=m.ones([1, 3])),
     IAE, ("sparse_softmax_cross_entropy_with_logits", "5"), TF),
    ("sparse_xent_shapes",
     lambda m: m.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 1, 2],
                                                             logits=m.ones([2, 3])),
     VE, ("sparse_softmax_cross_entropy_with_logits", "[3]", "[2, 3]"), TF),
    ("dropout_rate_one", lambda m: m.nn.dropout(_v(m), 1.0), VE, ("dropout", "1"), TF),
    ("dropout_of_ints", lambda m: m.nn.dropout(_i(m), 0.5), VE, ("dropout", "int32"), TF),
    ("moments_axis_out_of_range", lambda m: m.nn.moments(_mat(m), axes=[2]), IAE,
     ("moments", "axis 2"), TF),
    # -- linear algebra ---------------------------------------------------------------------------
    ("matmul_inner_dimensions", lambda m: m.matmul(_mat(m), _mat(m)), IAE,
     ("matmul", "(2, 3)"), TF),
    ("matmul_vectors", lambda m: _v(m) @ _v(m), IAE, ("matmul", "(2,)"), TF),
    ("matmul_dtypes", lambda m: m.matmul(_mat(m), m.ones([3, 2], m.int32)), IAE,
     ("matmul", "int32"), TF),
    ("matmul_of_bools", lambda m: m.matmul(m.constant([[True]]), m.constant([[True]])), IAE,
     ("matmul", "bool"), TF),
    ("matmul_batch_dimensions", lambda m: m.matmul(m.zeros([2, 2, 3]), m.zeros([3, 3, 2])), IAE,
     ("matmul", "[2]", "[3]"), TF),
    ("inv_not_square", lambda m: m.linalg.inv(_mat(m)), IAE, ("inv", "(2, 3)"), TF),
    ("inv_singular", lambda m: m.linalg.inv(m.zeros([2, 2])), IAE, ("inv", "singular"), TF),
    ("inv_of_ints", lambda m: m.linalg.inv(m.constant([[1, 0], [0, 1]])), IAE,
     ("inv", "int32"), TF),
    ("det_of_ints", lambda m: m.linalg.det(m.constant([[1, 0], [0, 1]])), IAE,
     ("det", "int32"), TF),
    ("solve_of_ints",
     lambda m: m.linalg.solve(m.constant([[1, 0], [0, 1]]), m.constant([[1], [1]])), IAE,
     ("solve", "int32"), TF),
    ("cholesky_of_ints", lambda m: m.linalg.cholesky(m.constant([[1, 0], [0, 1]])), IAE,
     ("cholesky", "int32"), TF),
    ("det_not_square", lambda m: m.linalg.det(_mat(m)), IAE, ("det", "(2, 3)"), TF),
    ("cholesky_of_vector", lambda m: m.linalg.cholesky(_v(m)), IAE, ("cholesky", "(2,)"), TF),
    ("solve_shapes", lambda m: m.linalg.solve(m.eye(2), m.ones([3, 1])), IAE,
     ("solve", "(3, 1)"), TF),
    ("tensordot_contracted_dimensions", lambda m: m.tensordot(_mat(m), _mat(m), axes=1), IAE,
     ("tensordot", "(2, 3)"), TF),
    ("tensordot_too_many_axes", lambda m: m.tensordot(_v(m), _v(m), axes=2), VE,
     ("tensordot", "axes=2"), TF),
    ("einsum_dimension_mismatch", lambda m: m.einsum("ij,jk->ik", _mat(m), _mat(m)), IAE,
     ("einsum", "label j"), TF),
    ("einsum_operand_count", lambda m: m.einsum("ij,jk->ik", _mat(m)), VE, ("einsum", "2"), TF),
    ("diag_part_of_vector", lambda m: m.linalg.diag_part(_v(m)), IAE, ("diag_part", "(2,)"),
     TF),
    # -- Variables --------------------------------------------------------------------------------
    ("variable_ragged", lambda m: m.Variable([[1, 2], [3]]), VE, ("Variable", "ragged"), TF),
    ("variable_none", lambda m: m.Variable(None), VE, ("Variable", "initial_value"), TF),
    ("variable_shape_mismatch", lambda m: m.Variable([1.0, 2.0], shape=[3]), VE,
     ("Variable", "[3]"), TF),
    ("assign_string", lambda m: m.Variable([1.0, 2.0]).assign("abc"), TE,
     ("assign", "'abc'", "float32"), TF),
    ("assign_add_string", lambda m: m.Variable(1.0).assign_add("abc"), TE,
     ("assign_add", "'abc'"), TF),
    ("assign_shape", lambda m: m.Variable([1.0, 2.0]).assign([1.0, 2.0, 3.0]), VE,
     ("assign", "[3]", "[2]"), TF),
    ("assign_dtype", lambda m: m.Variable([1.0, 2.0]).assign(m.constant([1, 2], m.int64)), VE,
     ("assign", "int64", "float32"), TF),
    ("assign_ragged", lambda m: m.Variable([1.0, 2.0]).assign([[1.0], [2.0, 3.0]]), VE,
     ("assign", "ragged"), TF),
    ("assign_none", lambda m: m.Variable([1.0, 2.0]).assign(None), VE, ("assign", "None"), TF),
    ("assign_fraction_to_int", lambda m: m.Variable([1, 2]).assign([1.5, 2.0]), TE,
     ("assign", "1.5", "int32"), TF),
    # -- refused by tapegrad, accepted by TensorFlow ---------------------------------------------
    # tapegrad has no string tensors
    # tensors are NumPy arrays, which have at most 64 dimensions (TensorFlow allows 254)
    ("zeros_rank_70", lambda m: m.zeros([1] * 70), "UnimplementedError",
     ("zeros", "rank 70", "64"), OURS),
    ("constant_rank_70", lambda m: m.constant(_nested(70)), "UnimplementedError",
     ("constant", "rank 70"), OURS),
    ("reshape_rank_70", lambda m: m.reshape(m.ones([1]), [1] * 70), "UnimplementedError",
     ("reshape", "rank 70"), OURS),
]


def _error(m, name):
    return getattr(m.errors, name, None) or getattr(builtins, name)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_call_raises_a_clear_error(case):
    _, call, error, mentions, _ = case
    with np.errstate(all="raise"):  # a NumPy warning on the way would be a silent result
        assert_clear_error(lambda: call(tapegrad), _error(tapegrad, error), *mentions)


@pytest.mark.parametrize("case", [c for c in CASES if c[4]], ids=[c[0] for c in CASES if c[4]])
def test_tensorflow_raises_the_same_class(case):
    tf_real = pytest.importorskip("tensorflow")
    _, call, error, _, _ = case
    with pytest.raises(_error(tf_real, error)):
        call(tf_real)


def test_the_table_is_large_and_distinct():
    assert len(CASES) >= 80
    assert len({c[0] for c in CASES}) == len(CASES)
