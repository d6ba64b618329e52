# A program in the style of a TensorFlow 2.21 guide (tests/test_guides_programs.py runs it).
import numpy as np
import tensorflow as tf
import keras

def fixed(shape, seed):
    n = int(np.prod(shape))
    return (np.sin(np.arange(1, n + 1) * (0.7 + 0.1 * seed) + seed) * 0.3).reshape(shape).astype("float32")

rng = np.random.default_rng(7)
X = rng.normal(size=(96, 5)).astype("float32")
Y = (X @ np.array([1.0, -2.0, 0.5, 0.0, 1.5], "float32") + 0.1 * rng.normal(size=96).astype("float32")).reshape(-1, 1)

def make():
    m = keras.Sequential([keras.Input((5,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)])
    m.set_weights([fixed(w.shape, i) for i, w in enumerate(m.get_weights())])
    return m

schedules = {
    "exp": keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=4, decay_rate=0.5, staircase=True),
    "piece": keras.optimizers.schedules.PiecewiseConstantDecay([5, 10], [0.1, 0.05, 0.01]),
    "cos": keras.optimizers.schedules.CosineDecay(0.1, decay_steps=20, alpha=0.1),
    "cosr": keras.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=5),
    "poly": keras.optimizers.schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01, power=2.0),
    "warm": keras.optimizers.schedules.CosineDecay(0.0, decay_steps=10, warmup_target=0.1, warmup_steps=5),
}
for name, s in schedules.items():
    print(name, [round(float(s(step)), 6) for step in (0, 3, 5, 9, 12, 30)])

optimizers = {
    "sgd": keras.optimizers.SGD(0.05),
    "momentum": keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "adam": keras.optimizers.Adam(0.01, amsgrad=True),
    "adamw": keras.optimizers.AdamW(0.01, weight_decay=0.05),
    "rmsprop": keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
    "adagrad": keras.optimizers.Adagrad(0.1),
    "adadelta": keras.optimizers.Adadelta(1.0),
    "adamax": keras.optimizers.Adamax(0.01),
    "nadam": keras.optimizers.Nadam(0.01),
    "ftrl": keras.optimizers.Ftrl(0.1, l1_regularization_strength=0.01),
    "lion": keras.optimizers.Lion(0.001),
    "clipnorm": keras.optimizers.SGD(0.1, clipnorm=0.5),
    "clipvalue": keras.optimizers.Adam(0.01, clipvalue=0.01),
    "gclip": keras.optimizers.SGD(0.1, global_clipnorm=0.3),
    "sched": keras.optimizers.SGD(schedules["exp"]),
    "ema": keras.optimizers.SGD(0.05, use_ema=True, ema_momentum=0.9),
    "ema_adam": keras.optimizers.Adam(0.01, use_ema=True, ema_momentum=0.8, ema_overwrite_frequency=5),
}
for name, opt in optimizers.items():
    m = make()
    m.compile(optimizer=opt, loss="mse")
    h = m.fit(X, Y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    print(name, [round(v, 5) for v in h.history["loss"]], int(opt.iterations),
          round(float(np.sum(m.layers[0].kernel.numpy())), 5))

m = make()
m.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.5), loss=keras.losses.Huber(delta=0.5),
          metrics=[keras.metrics.RootMeanSquaredError(), keras.metrics.MeanAbsolutePercentageError(), "mse"])
cb_lr = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch > 0 else lr)
cb_plateau = keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0)
seen = []
cb_lambda = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append((epoch, round(logs["loss"], 5))))
class Recorder(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.batches = 0
    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1
    def on_epoch_end(self, epoch, logs=None):
        print("epoch", epoch, sorted(logs), round(float(self.model.optimizer.learning_rate), 6))
rec = Recorder()
h = m.fit(X, Y, batch_size=32, epochs=4, shuffle=False, verbose=0, validation_data=(X[:32], Y[:32]),
          callbacks=[cb_lr, cb_plateau, cb_lambda, rec])
print(seen, rec.batches)
print({k: [round(v, 4) for v in vs] for k, vs in sorted(h.history.items())})
print(keras.optimizers.SGD(0.1, momentum=0.9).get_config()["momentum"], keras.optimizers.Adam().get_config()["beta_1"])
opt = keras.optimizers.Adam(0.1)
v = tf.Variable([1.0, 2.0])
for _ in range(3):
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(v ** 2)
    opt.apply_gradients([(tape.gradient(loss, v), v)])
print(np.round(v.numpy(), 5), [x.name for x in opt.variables][:3], len(opt.variables))
opt.learning_rate = 0.01
print(round(float(opt.learning_rate), 5))
for lossname in ["huber", "log_cosh", "kl_divergence", "poisson", "cosine_similarity", "mean_squared_logarithmic_error", "hinge", "squared_hinge", "categorical_hinge"]:
    f = keras.losses.get(lossname)
    yt = np.array([[0.2, 0.8], [0.6, 0.4]], "float32"); yp = np.array([[0.3, 0.7], [0.5, 0.5]], "float32")
    print(lossname, np.round(np.asarray(f(yt, yp)), 5))
print(round(float(keras.losses.CategoricalCrossentropy(label_smoothing=0.1)([[0.0, 1.0]], [[0.3, 0.7]])), 5))
print(round(float(keras.losses.BinaryFocalCrossentropy(gamma=2.0)([[1.0], [0.0]], [[0.7], [0.2]])), 5))
print(round(float(keras.losses.MeanSquaredError(reduction="sum")([[1.0], [2.0]], [[0.0], [0.0]])), 5))
yt = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]], "float32"); yp = np.array([[0.9, 0.3, 0.6], [0.2, 0.55, 0.05]], "float32")
for kw in [{}, {"gamma": 3.5}, {"apply_class_balancing": True, "alpha": 0.4}, {"label_smoothing": 0.1}, {"from_logits": True}]:
    print("bfce", kw, np.round(np.asarray(keras.losses.binary_focal_crossentropy(yt, yp, **kw)), 6),
          round(float(keras.losses.BinaryFocalCrossentropy(**kw)(yt, yp)), 6))
yt = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "float32"); yp = np.array([[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]], "float32")
for kw in [{}, {"gamma": 1.5, "alpha": 0.5}, {"label_smoothing": 0.2}, {"from_logits": True}]:
    print("cfce", kw, np.round(np.asarray(keras.losses.categorical_focal_crossentropy(yt, yp, **kw)), 6),
          round(float(keras.losses.CategoricalFocalCrossentropy(**kw)(yt, yp)), 6))
m = make()
m.compile(optimizer="adam", loss=keras.losses.BinaryFocalCrossentropy(from_logits=True, apply_class_balancing=True))
h = m.fit(X, (Y > 0).astype("float32"), batch_size=32, epochs=2, shuffle=False, verbose=0)
print([round(v, 5) for v in h.history["loss"]])
print(keras.losses.BinaryFocalCrossentropy(gamma=3.0).get_config())
