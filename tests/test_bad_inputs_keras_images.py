"""The bad-input table of issue 13's image layers (convolution, pooling, padding, cropping,
upsampling and image preprocessing): each bad call raises the error class Keras 3 raises, with a message naming the
layer and the offending value (without TensorFlow); with Keras 3 installed the same call runs
on it too and must raise that class."""

import numpy as np
import pytest
from _keras_bad_inputs import Bad, check_keras, check_tapegrad

IMG = np.ones((2, 6, 6, 3), np.float32)
SEQ = np.ones((2, 5, 3), np.float32)

TABLE = {
    "conv2d_filters_zero": Bad(lambda k, t, d: k.layers.Conv2D(0, 3), ValueError, "filters",
                               "0"),
    "conv2d_kernel_size_three_ints": Bad(lambda k, t, d: k.layers.Conv2D(2, (3, 3, 3)),
                                         ValueError, "kernel_size", "(3, 3, 3)"),
    "conv2d_kernel_size_zero": Bad(lambda k, t, d: k.layers.Conv2D(2, 0), ValueError,
                                   "kernel_size", "0"),
    "conv2d_bad_padding": Bad(lambda k, t, d: k.layers.Conv2D(2, 3, padding="full"),
                              ValueError, "padding", "full"),
    "conv2d_causal_padding": Bad(lambda k, t, d: k.layers.Conv2D(2, 3, padding="causal"),
                                 ValueError, "padding", "causal"),
    "conv2d_bad_data_format": Bad(lambda k, t, d: k.layers.Conv2D(2, 3, data_format="NHWC"),
                                  ValueError, "data_format", "NHWC"),
    "conv2d_strides_and_dilation": Bad(
        lambda k, t, d: k.layers.Conv2D(2, 3, strides=2, dilation_rate=2), ValueError,
        "strides", "dilation_rate"),
    "conv2d_filters_not_divisible_by_groups": Bad(
        lambda k, t, d: k.layers.Conv2D(5, 3, groups=2), ValueError, "groups=2", "filters=5"),
    "conv2d_channels_not_divisible_by_groups": Bad(
        lambda k, t, d: k.layers.Conv2D(4, 3, groups=2)(IMG), ValueError, "groups=2", "3"),
    "conv2d_rank_three_input": Bad(lambda k, t, d: k.layers.Conv2D(2, 3)(SEQ), ValueError,
                                   "ndim=4", "ndim=3"),
    "conv2d_unknown_channels": Bad(lambda k, t, d: k.layers.Conv2D(2, 3)(k.Input((6, 6, None))),
                                   ValueError, "channel", "defined", keras="TypeError",
                                   why="Keras 3 fails on None % groups"),
    "conv2d_window_larger_than_input": Bad(
        lambda k, t, d: k.layers.Conv2D(2, 7)(IMG), ValueError, "7", "6"),
    "conv2d_transpose_output_padding": Bad(
        lambda k, t, d: k.layers.Conv2DTranspose(2, 3, strides=2, output_padding=2),
        ValueError, "output_padding", "strides"),
    "depthwise_multiplier_zero": Bad(
        lambda k, t, d: k.layers.DepthwiseConv2D(3, depth_multiplier=0), ValueError,
        "depth_multiplier", "0"),
    "separable_conv_filters_float": Bad(lambda k, t, d: k.layers.SeparableConv2D(2.5, 3),
                                        ValueError, "filters", "2.5", keras="pass",
                                        why="Keras 3 takes it and fails when building"),
    "max_pooling_bad_padding": Bad(lambda k, t, d: k.layers.MaxPooling2D(padding="full"),
                                   ValueError, "padding", "full", keras="pass",
                                   why="Keras 3 takes any padding here and fails at the call"),
    "max_pooling_rank_three_input": Bad(lambda k, t, d: k.layers.MaxPooling2D()(SEQ),
                                        ValueError, "ndim=4", "ndim=3"),
    "average_pooling_pool_size_negative": Bad(lambda k, t, d: k.layers.AveragePooling1D(-1),
                                              ValueError, "pool_size", "-1"),
    "global_pooling_rank_three_input": Bad(
        lambda k, t, d: k.layers.GlobalAveragePooling2D()(SEQ), ValueError, "ndim=4",
        "ndim=3"),
    "zero_padding2d_three_entries": Bad(lambda k, t, d: k.layers.ZeroPadding2D((1, 1, 1)),
                                        ValueError, "padding", "(1, 1, 1)"),
    "zero_padding1d_negative": Bad(lambda k, t, d: k.layers.ZeroPadding1D(-1), ValueError,
                                   "padding", "-1"),
    "cropping2d_negative": Bad(lambda k, t, d: k.layers.Cropping2D(-1), ValueError,
                               "cropping", "-1"),
    "cropping2d_larger_than_input": Bad(lambda k, t, d: k.layers.Cropping2D(3)(IMG),
                                        ValueError, "cropping", "(3, 3)"),
    "cropping1d_rank_four_input": Bad(lambda k, t, d: k.layers.Cropping1D(1)(IMG), ValueError,
                                      "ndim=3", "ndim=4"),
    "up_sampling1d_float_size": Bad(lambda k, t, d: k.layers.UpSampling1D(1.5), TypeError,
                                    "size", "1.5"),
    "up_sampling2d_size_zero": Bad(lambda k, t, d: k.layers.UpSampling2D(0), ValueError,
                                   "size", "0"),
    "resizing_height_zero": Bad(lambda k, t, d: k.layers.Resizing(0, 4)(IMG), ValueError,
                                "height", "0", keras="InvalidArgumentError",
                                why="Keras 3 takes it; TensorFlow's resize kernel refuses it"),
    "resizing_crop_and_pad": Bad(
        lambda k, t, d: k.layers.Resizing(4, 4, crop_to_aspect_ratio=True,
                                          pad_to_aspect_ratio=True),
        ValueError, "crop_to_aspect_ratio", "pad_to_aspect_ratio", keras="pass",
        why="Keras 3 takes both and crops"),
    "center_crop_rank_two_input": Bad(lambda k, t, d: k.layers.CenterCrop(2, 2)(IMG[0, 0]),
                                      ValueError, "rank 3 or 4", "(6, 3)"),
    "random_flip_bad_mode": Bad(lambda k, t, d: k.layers.RandomFlip("diagonal"), ValueError,
                                "mode", "diagonal", keras="pass",
                                why="Keras 3 takes any mode and flips nothing"),
    "random_contrast_factor": Bad(lambda k, t, d: k.layers.RandomContrast(1.5), ValueError,
                                  "factor", "1.5"),
    "random_crop_height_zero": Bad(lambda k, t, d: k.layers.RandomCrop(0, 3)(IMG), ValueError,
                                   "height", "0", keras="pass",
                                   why="Keras 3 takes it and crops to an empty image"),
    "random_crop_rank_two_input": Bad(lambda k, t, d: k.layers.RandomCrop(2, 2)(IMG[0, 0]),
                                      ValueError, "rank 3 or 4", "(6, 3)",
                                      keras="IndexError",
                                      why="Keras 3 indexes the missing axis of the shape"),
    "random_brightness_factor": Bad(lambda k, t, d: k.layers.RandomBrightness(-1.5), ValueError,
                                    "factor", "-1.5"),
    "random_brightness_value_range": Bad(
        lambda k, t, d: k.layers.RandomBrightness(0.1, value_range=(0, 1, 2)), ValueError,
        "value_range", "(0, 1, 2)"),
    "random_rotation_factor": Bad(lambda k, t, d: k.layers.RandomRotation(1.5), ValueError,
                                  "factor", "1.5"),
    "random_rotation_fill_mode": Bad(
        lambda k, t, d: k.layers.RandomRotation(0.1, fill_mode="mirror"), NotImplementedError,
        "fill_mode", "mirror"),
    "random_zoom_factor_minus_one": Bad(lambda k, t, d: k.layers.RandomZoom(-1.0), ValueError,
                                        "height_factor", "-1.0"),
    "random_translation_interpolation": Bad(
        lambda k, t, d: k.layers.RandomTranslation(0.1, 0.1, interpolation="bicubic"),
        NotImplementedError, "interpolation", "bicubic"),
}


@pytest.mark.parametrize("case", sorted(TABLE))
def test_bad_call(case, tmp_path):
    check_tapegrad(TABLE[case], str(tmp_path))


@pytest.mark.parametrize("case", sorted(TABLE))
def test_bad_call_in_keras(case, tmp_path):
    check_keras(TABLE[case], str(tmp_path))
