"""Writes optimizer_golden.json: Keras 3 optimizer trajectories and schedule values.

Run with a Python that has TensorFlow 2 and Keras 3 (CI has neither; the JSON is committed):

    KERAS_BACKEND=tensorflow python tests/data/make_optimizer_golden.py

Each optimizer case trains three float32 variables (shapes (2, 3), (3,) and ()) for 8 steps with
the gradient g_t = G[t] + 0.5 * w, computed in NumPy in the variable's dtype from the variable's
current value (so that a wrong step changes every later one), and records every variable after
every step. tests/test_optimizers.py replays the same cases with tapegrad.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import tensorflow as tf

STEPS = 8
SHAPES = [(2, 3), (3,), ()]

ADAM_SCHEDULE = {
    "class_name": "CosineDecay",
    "config": {
        "initial_learning_rate": 0.0,
        "decay_steps": 5,
        "alpha": 0.1,
        "warmup_target": 0.05,
        "warmup_steps": 3,
    },
}

# name: (optimizer class, constructor arguments, schedule for learning_rate or None, dtype)
CASES = {
    "sgd": ("SGD", {"learning_rate": 0.1}, None, "float32"),
    "sgd_default": ("SGD", {}, None, "float32"),
    "sgd_momentum": ("SGD", {"learning_rate": 0.1, "momentum": 0.9}, None, "float32"),
    "sgd_nesterov": (
        "SGD",
        {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
        None,
        "float32",
    ),
    "sgd_clipnorm": ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}, None, "float32"),
    "sgd_clipvalue": ("SGD", {"learning_rate": 0.1, "clipvalue": 0.3}, None, "float32"),
    "sgd_global_clipnorm": ("SGD", {"learning_rate": 0.1, "global_clipnorm": 0.7}, None, "float32"),
    "sgd_weight_decay": (
        "SGD",
        {"learning_rate": 0.1, "momentum": 0.5, "weight_decay": 0.1},
        None,
        "float32",
    ),
    "sgd_exponential": (
        "SGD",
        {"momentum": 0.9},
        {
            "class_name": "ExponentialDecay",
            "config": {"initial_learning_rate": 0.2, "decay_steps": 3, "decay_rate": 0.5},
        },
        "float32",
    ),
    "sgd_piecewise": (
        "SGD",
        {},
        {
            "class_name": "PiecewiseConstantDecay",
            "config": {"boundaries": [2, 5], "values": [0.3, 0.1, 0.01]},
        },
        "float32",
    ),
    "sgd_float64": (
        "SGD",
        {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
        None,
        "float64",
    ),
    "adam": ("Adam", {"learning_rate": 0.05}, None, "float32"),
    "adam_default": ("Adam", {}, None, "float32"),
    "adam_amsgrad": ("Adam", {"learning_rate": 0.05, "amsgrad": True}, None, "float32"),
    "adam_clipnorm": ("Adam", {"learning_rate": 0.05, "clipnorm": 0.4}, None, "float32"),
    "adam_global_clipnorm": (
        "Adam",
        {"learning_rate": 0.05, "global_clipnorm": 1.0},
        None,
        "float32",
    ),
    "adam_weight_decay": ("Adam", {"learning_rate": 0.05, "weight_decay": 0.05}, None, "float32"),
    "adam_cosine_warmup": ("Adam", {}, ADAM_SCHEDULE, "float32"),
    "adam_polynomial_cycle": (
        "Adam",
        {},
        {
            "class_name": "PolynomialDecay",
            "config": {
                "initial_learning_rate": 0.1,
                "decay_steps": 3,
                "end_learning_rate": 0.01,
                "power": 2.0,
                "cycle": True,
            },
        },
        "float32",
    ),
    "adam_float64": ("Adam", {"learning_rate": 0.05}, None, "float64"),
    "adamw": ("AdamW", {"learning_rate": 0.05}, None, "float32"),
    "adamw_amsgrad": (
        "AdamW",
        {"learning_rate": 0.05, "weight_decay": 0.1, "amsgrad": True},
        None,
        "float32",
    ),
    "adamw_clipvalue": ("AdamW", {"learning_rate": 0.05, "clipvalue": 0.2}, None, "float32"),
    "rmsprop": ("RMSprop", {"learning_rate": 0.01}, None, "float32"),
    "rmsprop_momentum": ("RMSprop", {"learning_rate": 0.01, "momentum": 0.9}, None, "float32"),
    "rmsprop_centered": ("RMSprop", {"learning_rate": 0.01, "centered": True}, None, "float32"),
    "rmsprop_centered_momentum": (
        "RMSprop",
        {"learning_rate": 0.01, "centered": True, "momentum": 0.5, "rho": 0.8},
        None,
        "float32",
    ),
    "rmsprop_inverse_time": (
        "RMSprop",
        {},
        {
            "class_name": "InverseTimeDecay",
            "config": {
                "initial_learning_rate": 0.02,
                "decay_steps": 2,
                "decay_rate": 0.5,
                "staircase": True,
            },
        },
        "float32",
    ),
    "adagrad": ("Adagrad", {"learning_rate": 0.1}, None, "float32"),
    "adagrad_weight_decay": (
        "Adagrad",
        {"learning_rate": 0.1, "weight_decay": 0.2, "initial_accumulator_value": 0.5},
        None,
        "float32",
    ),
    "adadelta": ("Adadelta", {"learning_rate": 1.0}, None, "float32"),
    "adadelta_default": ("Adadelta", {}, None, "float32"),
    "adamax": ("Adamax", {"learning_rate": 0.05}, None, "float32"),
    "adamax_clipnorm": ("Adamax", {"learning_rate": 0.05, "clipnorm": 0.3}, None, "float32"),
    "nadam": ("Nadam", {"learning_rate": 0.05}, None, "float32"),
    "nadam_weight_decay": ("Nadam", {"learning_rate": 0.05, "weight_decay": 0.1}, None, "float32"),
    "nadam_clipvalue": ("Nadam", {"learning_rate": 0.05, "clipvalue": 0.25}, None, "float32"),
    "nadam_exponential_staircase": (
        "Nadam",
        {},
        {
            "class_name": "ExponentialDecay",
            "config": {
                "initial_learning_rate": 0.05,
                "decay_steps": 3,
                "decay_rate": 0.7,
                "staircase": True,
            },
        },
        "float32",
    ),
    "adagrad_float64": ("Adagrad", {"learning_rate": 0.1, "weight_decay": 0.2}, None, "float64"),
    "rmsprop_float64": (
        "RMSprop",
        {"learning_rate": 0.01, "centered": True, "momentum": 0.5},
        None,
        "float64",
    ),
    "adadelta_float64": ("Adadelta", {"learning_rate": 1.0}, None, "float64"),
    "adamax_float64": ("Adamax", {"learning_rate": 0.05, "clipnorm": 0.3}, None, "float64"),
    "nadam_float64": ("Nadam", {"learning_rate": 0.05, "global_clipnorm": 1.0}, None, "float64"),
    "ftrl": ("Ftrl", {"learning_rate": 0.1}, None, "float32"),
    "ftrl_penalties": (
        "Ftrl",
        {
            # Powers other than -0.5 differ from Keras by an ulp or two: TensorFlow's float32
            # pow (Eigen's) is not NumPy's.
            "learning_rate": 0.2,
            "initial_accumulator_value": 0.3,
            "l1_regularization_strength": 0.05,
            "l2_regularization_strength": 0.1,
            "l2_shrinkage_regularization_strength": 0.02,
            "beta": 0.5,
        },
        None,
        "float32",
    ),
    "ftrl_float64": ("Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.01}, None,
                     "float64"),
    "lion": ("Lion", {"learning_rate": 0.01}, None, "float32"),
    "lion_betas": ("Lion", {"learning_rate": 0.02, "beta_1": 0.5, "beta_2": 0.9,
                            "weight_decay": 0.1}, None, "float32"),
    "lion_float64": ("Lion", {"learning_rate": 0.01, "clipnorm": 0.5}, None, "float64"),
    "sgd_ema_overwrite": ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "use_ema": True,
                                  "ema_momentum": 0.7, "ema_overwrite_frequency": 3},
                          None, "float32"),
    "adam_ema_overwrite": ("Adam", {"learning_rate": 0.05, "use_ema": True,
                                    "ema_overwrite_frequency": 2}, None, "float32"),
    "rmsprop_ema_float64": ("RMSprop", {"learning_rate": 0.01, "use_ema": True,
                                        "ema_momentum": 0.5, "ema_overwrite_frequency": 4},
                            None, "float64"),
}

# Cases in which variable 2 gets a None gradient at these steps (skipped, with a warning).
SKIPS = {"adam": [0, 1, 4], "nadam": [2], "sgd_momentum": [0, 3]}

SCHEDULES = {
    "exponential": {
        "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.8},
    },
    "exponential_staircase": {
        "class_name": "ExponentialDecay",
        "config": {
            "initial_learning_rate": 0.1,
            "decay_steps": 7,
            "decay_rate": 0.8,
            "staircase": True,
        },
    },
    "piecewise": {
        "class_name": "PiecewiseConstantDecay",
        "config": {"boundaries": [3, 10, 20], "values": [1.0, 0.5, 0.1, 0.05]},
    },
    "polynomial": {
        "class_name": "PolynomialDecay",
        "config": {
            "initial_learning_rate": 0.1,
            "decay_steps": 20,
            "end_learning_rate": 0.001,
            "power": 0.5,
        },
    },
    "polynomial_cycle": {
        "class_name": "PolynomialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 7, "power": 1.5, "cycle": True},
    },
    "inverse_time": {
        "class_name": "InverseTimeDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 4, "decay_rate": 0.3},
    },
    "inverse_time_staircase": {
        "class_name": "InverseTimeDecay",
        "config": {
            "initial_learning_rate": 0.1,
            "decay_steps": 4,
            "decay_rate": 0.3,
            "staircase": True,
        },
    },
    "cosine": {
        "class_name": "CosineDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 20},
    },
    "cosine_alpha": {
        "class_name": "CosineDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 15, "alpha": 0.2},
    },
    "cosine_warmup": {
        "class_name": "CosineDecay",
        "config": {
            "initial_learning_rate": 0.01,
            "decay_steps": 12,
            "alpha": 0.05,
            "warmup_target": 0.2,
            "warmup_steps": 6,
        },
    },
    "cosine_restarts": {
        "class_name": "CosineDecayRestarts",
        "config": {"initial_learning_rate": 0.1, "first_decay_steps": 4},
    },
    "cosine_restarts_constant": {
        "class_name": "CosineDecayRestarts",
        "config": {"initial_learning_rate": 0.1, "first_decay_steps": 5, "t_mul": 1.0,
                   "m_mul": 0.7, "alpha": 0.1},
    },
    "cosine_restarts_geometric": {
        "class_name": "CosineDecayRestarts",
        "config": {"initial_learning_rate": 1.0, "first_decay_steps": 3, "t_mul": 1.5,
                   "m_mul": 0.8, "alpha": 0.05},
    },
}
SCHEDULE_STEPS = list(range(31))


def text(array):
    # The shortest decimal that reads back as the same value in the array's dtype.
    return [str(x) for x in np.asarray(array).ravel()]


def gradient(G, w):
    return G.astype(w.dtype) + w.dtype.type(0.5) * w


def main(path):
    rng = np.random.default_rng(20240601)
    init = [rng.normal(size=s).astype(np.float32) for s in SHAPES]
    grads = [[rng.normal(size=s).astype(np.float32) for s in SHAPES] for _ in range(STEPS)]
    cases = {}
    for name, (cls, kwargs, schedule, dtype) in CASES.items():
        kw = dict(kwargs)
        if schedule is not None:
            kw["learning_rate"] = keras.optimizers.schedules.deserialize(schedule)
        opt = getattr(keras.optimizers, cls)(**kw)
        variables = [tf.Variable(w.astype(dtype)) for w in init]
        trajectory = []
        for t in range(STEPS):
            gs = [tf.constant(gradient(G, v.numpy())) for G, v in zip(grads[t], variables)]
            if t in SKIPS.get(name, ()):
                gs[2] = None
            opt.apply_gradients(zip(gs, variables))
            trajectory.append([text(v.numpy()) for v in variables])
        cases[name] = {
            "optimizer": cls,
            "kwargs": kwargs,
            "schedule": schedule,
            "dtype": dtype,
            "skip": SKIPS.get(name, []),
            "iterations": int(opt.iterations.numpy()),
            "trajectory": trajectory,
        }
    schedules = {}
    for name, config in SCHEDULES.items():
        fn = keras.optimizers.schedules.deserialize(config)
        values = [text(fn(tf.constant(s, dtype=tf.int64)))[0] for s in SCHEDULE_STEPS]
        schedules[name] = {"schedule": config, "steps": SCHEDULE_STEPS, "values": values}
    defaults = {
        cls: getattr(keras.optimizers, cls)().get_config()
        for cls in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam",
                    "Ftrl", "Lion")
    }
    for config in defaults.values():
        config.pop("name")
    out = {
        "produced_by": f"tests/data/make_optimizer_golden.py, keras {keras.__version__}, "
        f"tensorflow {tf.__version__}, backend {keras.backend.backend()}",
        "shapes": [list(s) for s in SHAPES],
        "init": [text(w) for w in init],
        "grads": [[text(G) for G in step] for step in grads],
        "cases": cases,
        "schedules": schedules,
        "default_configs": defaults,
    }
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main(
        sys.argv[1]
        if len(sys.argv) > 1
        else os.path.join(os.path.dirname(__file__), "optimizer_golden.json")
    )
