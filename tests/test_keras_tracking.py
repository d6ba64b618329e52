"""Attribute tracking: a model's variable lists follow every change below it (weights and
sublayers added, `trainable` set, layers popped), for each model that owns a layer, after
pickling and copying too; losses added by a layer are cleared at the next outer call."""

import copy
import pickle

import numpy as np
import pytest

import tapegrad as tf
from tapegrad import keras
from tapegrad.keras import layers


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = layers.Dense(2)

    def call(self, x):
        return self.inner(x)


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.head = layers.Dense(1)

    def call(self, x):
        return self.head(self.block(x))


def _names(variables):
    return [v.path for v in variables]


def _built_net():
    net = Net()
    net(np.ones((1, 3), "float32"))
    return net


def test_a_weight_added_deep_below_reaches_the_model():
    net = _built_net()
    before = net.trainable_variables  # gathered now, and kept until something changes
    assert len(before) == 4
    net.block.inner.extra = tf.Variable(1.0, name="extra")
    assert len(net.trainable_variables) == 5
    assert net.trainable_variables[-3] is net.block.inner.extra


def test_trainable_set_below_reaches_every_owner():
    net = _built_net()
    shared = net.block
    outer = keras.Sequential([shared])
    assert len(net.trainable_variables) == 4 and len(outer.trainable_variables) == 2
    shared.inner.trainable = False
    assert len(net.trainable_variables) == 2 and len(outer.trainable_variables) == 0
    assert len(net.non_trainable_variables) == 2 and len(outer.non_trainable_variables) == 2
    shared.trainable = True
    assert len(net.trainable_variables) == 4 and len(outer.trainable_variables) == 2


def test_a_sublayer_added_after_the_lists_were_read():
    net = _built_net()
    assert len(net.weights) == 4
    extra = layers.Dense(3)
    extra.build((None, 1))
    net.block.extra = extra
    assert len(net.weights) == 6 and len(net.block.weights) == 4


def test_sequential_pop_and_add_update_the_variable_lists():
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4), layers.Dense(1)])
    assert len(model.trainable_variables) == 4
    last = model.pop()
    assert len(model.trainable_variables) == 2
    last.trainable = False  # no longer the model's: changes nothing there
    assert len(model.trainable_variables) == 2
    model.add(layers.Dense(2))
    assert len(model.trainable_variables) == 4
    assert model.layers[0].name not in ("input_layer",)  # the input is not a layer of it


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_copied_model_follows_changes_below_it(how):
    net = _built_net()
    clone = pickle.loads(pickle.dumps(net)) if how == "pickle" else copy.deepcopy(net)
    assert _names(clone.trainable_variables) == _names(net.trainable_variables)
    clone.block.inner.trainable = False
    assert len(clone.trainable_variables) == 2
    assert len(net.trainable_variables) == 4  # the original is independent


def test_a_sublayer_pickles_without_its_owner():
    net = _built_net()
    alone = pickle.loads(pickle.dumps(net.block))
    assert len(alone.weights) == 2
    alone.inner.trainable = False
    assert alone.trainable_weights == [] and len(net.trainable_variables) == 4


def test_sublayers_may_be_assigned_before_super_init():
    class Early(layers.Layer):
        def __init__(self):
            self.dense = layers.Dense(1)  # Keras tracks this too
            super().__init__()

        def call(self, x):
            return self.dense(x)

    early = Early()
    early(np.ones((2, 3), "float32"))
    assert len(early.trainable_weights) == 2


def test_losses_are_cleared_at_the_next_outer_call():
    class Penalized(layers.Layer):
        def call(self, x):
            self.add_loss(tf.reduce_sum(x))
            return x

    class Outer(layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = layers.Dense(1, kernel_initializer="ones")

        def call(self, x):
            return self.inner(x)

    outer = Outer()
    outer(np.ones((1, 2), "float32"))
    assert outer.losses == []
    outer.penalized = Penalized()  # a sublayer that adds losses, tracked after a call
    outer.penalized(np.ones((1, 2), "float32"))
    assert len(outer.losses) == 1
    outer(np.ones((1, 2), "float32"))  # its call does not call `penalized`: cleared
    assert outer.losses == []
    # A loss added by a layer already owned reaches the owners' outer calls too.
    model = keras.Sequential([keras.Input((2,)), Penalized(), layers.Dense(1)])
    model(np.ones((1, 2), "float32"))
    model(np.full((1, 2), 2.0, "float32"))
    assert [float(loss) for loss in model.losses] == [4.0]
