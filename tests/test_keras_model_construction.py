"""Which constructor calls make a functional model (issue 17): Keras decides from the class and
from what reaches `Model.__init__`, never from the number of a subclass's own arguments."""

import numpy as np
import pytest

from tapegrad import keras
from tapegrad.keras.models import Functional


def _subclass(n_args):
    """A subclassed model whose constructor takes `n_args` positional arguments of its own."""

    class Block(keras.Model):
        def __init__(self, *args, name=None):
            assert len(args) == n_args
            super().__init__(name=name)
            self.args = args
            self.dense = keras.layers.Dense(n_args + 1)

        def call(self, x):
            return self.dense(x)

    return Block


@pytest.mark.parametrize("n_args", [0, 1, 2, 3])
def test_subclass_with_positional_arguments_stays_subclassed(n_args):
    model = _subclass(n_args)(*range(n_args))
    assert not isinstance(model, Functional)
    assert model.args == tuple(range(n_args))
    assert model(np.ones((2, 4), np.float32)).shape == (2, n_args + 1)


def test_subclass_with_two_named_arguments_is_subclassed():
    # The example of issue 17: two arguments, as many as (inputs, outputs).
    class Block(keras.Model):
        def __init__(self, a, b):
            super().__init__()
            self.a, self.b = a, b

        def call(self, x):
            return x * self.a + self.b

    for model in (Block(1, 2), Block(a=1, b=2), Block(1, b=2)):
        assert type(model) is Block and (model.a, model.b) == (1, 2)
        np.testing.assert_allclose(model(np.ones((1, 2), np.float32)), [[3.0, 3.0]])


def _graph():
    inputs = keras.Input(shape=(3,))
    return inputs, keras.layers.Dense(2)(inputs)


@pytest.mark.parametrize("form", ["positional", "keywords", "mixed"])
def test_model_of_inputs_and_outputs_is_functional(form):
    inputs, outputs = _graph()
    model = {
        "positional": lambda: keras.Model(inputs, outputs),
        "keywords": lambda: keras.Model(inputs=inputs, outputs=outputs),
        "mixed": lambda: keras.Model(inputs, outputs=outputs),
    }[form]()
    assert type(model) is Functional
    assert model(np.ones((1, 3), np.float32)).shape == (1, 2)


def test_subclass_passing_inputs_and_outputs_to_model_init_is_functional():
    class Custom(keras.Model):
        def train_step(self, data):
            return super().train_step(data)

    class Wrapper(keras.Model):
        def __init__(self, units, **kwargs):
            inputs = keras.Input(shape=(3,))
            super().__init__(inputs=inputs, outputs=keras.layers.Dense(units)(inputs), **kwargs)

    inputs, outputs = _graph()
    custom = Custom(inputs, outputs)
    assert isinstance(custom, Custom) and isinstance(custom, Functional)
    wrapper = Wrapper(5, name="wrapper")
    assert isinstance(wrapper, Wrapper) and isinstance(wrapper, Functional)
    assert wrapper.name == "wrapper"
    assert wrapper(np.ones((2, 3), np.float32)).shape == (2, 5)


def test_model_with_one_positional_argument_says_what_is_wrong():
    with pytest.raises(TypeError, match=r"keras.Model\(inputs, outputs\)"):
        keras.Model(keras.Input(shape=(3,)))


def test_subclass_construction_matches_keras():
    keras_real = pytest.importorskip("keras")
    pytest.importorskip("tensorflow")
    from keras.src.models.functional import Functional as RealFunctional

    for module, functional in ((keras_real, RealFunctional), (keras, Functional)):

        class Block(module.Model):
            def __init__(self, a, b):
                super().__init__()
                self.a = a

        inputs = module.Input(shape=(3,))
        outputs = module.layers.Dense(2)(inputs)
        assert not isinstance(Block(1, 2), functional)
        assert isinstance(module.Model(inputs, outputs), functional)
        assert isinstance(module.Model(inputs=inputs, outputs=outputs), functional)
