"""The bad-input table of issue 13's layers (recurrent, embedding, text, normalization,
attention): each bad call raises the error class Keras 3 raises, with a message naming the
layer and the offending value (without TensorFlow); with Keras 3 installed the same call runs
on it too and must raise that class (where it differs, the entry says why)."""

import numpy as np
import pytest
from _keras_bad_inputs import Bad, check_keras, check_tapegrad

import tapegrad as tf

SEQ = np.ones((2, 3, 4), np.float32)

TABLE = {
    "lstm_units_zero": Bad(lambda k, t, d: k.layers.LSTM(0), ValueError, "units"),
    "lstm_rank_two_input": Bad(lambda k, t, d: k.layers.LSTM(2)(np.ones((2, 3), np.float32)),
                               ValueError, "lstm", "ndim=3", "ndim=2"),
    "gru_use_cudnn_bad": Bad(lambda k, t, d: k.layers.GRU(2, use_cudnn="yes"), ValueError,
                             "use_cudnn", "yes"),
    "rnn_cell_without_state_size": Bad(lambda k, t, d: k.layers.RNN(k.layers.Dense(2)),
                                       ValueError, "state_size"),
    "rnn_stateful_unknown_batch": Bad(
        lambda k, t, d: k.layers.LSTM(2, stateful=True)(k.Input((3, 4))), ValueError,
        "stateful", "batch size"),
    "bidirectional_not_a_layer": Bad(lambda k, t, d: k.layers.Bidirectional("lstm"),
                                     ValueError, "Bidirectional", "lstm"),
    "bidirectional_merge_mode": Bad(
        lambda k, t, d: k.layers.Bidirectional(k.layers.LSTM(2), merge_mode="max"),
        ValueError, "merge mode", "max"),
    "time_distributed_rank_two": Bad(
        lambda k, t, d: k.layers.TimeDistributed(k.layers.Dense(2))(np.ones((2, 3), "float32")),
        ValueError, "TimeDistributed", "3 dimensions"),
    "embedding_input_dim_zero": Bad(lambda k, t, d: k.layers.Embedding(0, 2), ValueError,
                                    "input_dim", "0"),
    "embedding_id_out_of_range": Bad(
        lambda k, t, d: k.layers.Embedding(5, 2)(np.array([[7]])), tf.errors.InvalidArgumentError,
        "7", "input_dim=5"),
    "text_vectorization_bad_split": Bad(
        lambda k, t, d: k.layers.TextVectorization(split="comma"), ValueError, "split",
        "comma"),
    "text_vectorization_sequence_length_multi_hot": Bad(
        lambda k, t, d: k.layers.TextVectorization(output_mode="multi_hot",
                                                   output_sequence_length=3),
        ValueError, "output_sequence_length"),
    "string_lookup_repeated_vocabulary": Bad(
        lambda k, t, d: k.layers.StringLookup(vocabulary=["a", "a"]), ValueError, "repeated",
        "a"),
    "string_lookup_no_oov": Bad(
        lambda k, t, d: k.layers.StringLookup(vocabulary=["a"], num_oov_indices=0)(
            np.array(["zz"])), tf.errors.InvalidArgumentError, "num_oov_indices", "zz"),
    "integer_lookup_max_tokens_one": Bad(lambda k, t, d: k.layers.IntegerLookup(max_tokens=1),
                                         ValueError, "max_tokens", "1"),
    "category_encoding_no_num_tokens": Bad(lambda k, t, d: k.layers.CategoryEncoding(),
                                           ValueError, "num_tokens"),
    "hashing_zero_bins": Bad(lambda k, t, d: k.layers.Hashing(0), ValueError, "num_bins", "0"),
    "group_norm_groups_not_dividing": Bad(
        lambda k, t, d: k.layers.GroupNormalization(groups=3)(SEQ), ValueError,
        "groups", "3"),
    "layer_norm_axis_string": Bad(lambda k, t, d: k.layers.LayerNormalization(axis="x"),
                                  TypeError, "axis"),
    "leaky_relu_negative_slope": Bad(lambda k, t, d: k.layers.LeakyReLU(negative_slope=-1),
                                     ValueError, "negative_slope", "-1"),
    "relu_negative_max_value": Bad(lambda k, t, d: k.layers.ReLU(max_value=-1.0), ValueError,
                                   "max_value", "-1"),
    "gaussian_noise_stddev": Bad(lambda k, t, d: k.layers.GaussianNoise(2.0), ValueError,
                                 "stddev", "2.0"),
    "permute_bad_dims": Bad(lambda k, t, d: k.layers.Permute((1, 3)), ValueError,
                            "permutation", "(1, 3)"),
    "repeat_vector_float": Bad(lambda k, t, d: k.layers.RepeatVector(2.5), TypeError, "n"),
    "normalization_mean_only": Bad(lambda k, t, d: k.layers.Normalization(mean=1.0),
                                   ValueError, "mean", "variance"),
    "attention_not_a_list": Bad(lambda k, t, d: k.layers.Attention()(SEQ), ValueError,
                                "list of inputs"),
    "attention_score_mode": Bad(lambda k, t, d: k.layers.Attention(score_mode="cosine"),
                                ValueError, "score_mode", "cosine"),
    "mha_key_dim_zero": Bad(lambda k, t, d: k.layers.MultiHeadAttention(2, 0), ValueError,
                            "key_dim", "0"),
    "einsum_dense_bad_equation": Bad(
        lambda k, t, d: k.layers.EinsumDense("ab->b", 3)(np.ones((2, 3), "float32")),
        ValueError, "equation", "ab->b"),
}


@pytest.mark.parametrize("case", sorted(TABLE))
def test_bad_call(case, tmp_path):
    check_tapegrad(TABLE[case], str(tmp_path))


@pytest.mark.parametrize("case", sorted(TABLE))
def test_bad_call_in_keras(case, tmp_path):
    check_keras(TABLE[case], str(tmp_path))
