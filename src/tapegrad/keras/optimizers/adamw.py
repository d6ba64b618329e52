"""AdamW: Adam with decoupled weight decay on by default."""

from .adam import Adam


class AdamW(Adam):
    """Adam after a decoupled weight decay (applied by the base, before the Adam step):

        w -= w * weight_decay * lr
        (then Adam's update, see `Adam`)

    Args:
        learning_rate: the step size (default 0.001).
        weight_decay: the decay rate (default 0.004); None is refused.
        beta_1, beta_2, epsilon, amsgrad: as for `Adam`.
        **kwargs: the options shared by all optimizers, documented on `Optimizer`.

    Raises:
        ValueError: if `weight_decay` is None.
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        **kwargs,
    ):
        super().__init__(
            learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            **kwargs,
        )
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
