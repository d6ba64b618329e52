"""Attribute tracking: what a layer owns, found from what is assigned to its attributes.

Keras 3 keeps this in `keras/src/utils/tracking.py`. A Layer assigned to an attribute of a
layer becomes its sublayer, a Variable its weight (so do those in a list or tuple assigned to
a public attribute). Each layer has a `Tracker` that keeps these, the layers that own it, and
what is gathered over the whole tree below the layer (its variable lists, which a training
step reads each time): a change anywhere below (a weight or sublayer added, `trainable` set, a
loss added for the first time) drops the gathered lists of every layer above it, and only
those.
"""

import weakref

__all__ = ["Tracker"]


class Tracker:
    """What one layer owns and what is gathered over the layers below it.

    Args:
        layers: the layer's list of sublayers (its `_layers`).
        trainable: the list of its own trainable variables.
        non_trainable: the list of its own non-trainable variables.

    Attributes:
        gathered: the owner's (trainable, non-trainable, all) variables over its whole tree,
            kept by the layer until `changed()` drops them; None when they are to be gathered.
        adds_losses: whether the layer or one below it has added a loss (`add_loss`), which a
            call from outside then clears.
    """

    __slots__ = (
        "layers",
        "trainable",
        "non_trainable",
        "gathered",
        "adds_losses",
        "_owners",
        "__weakref__",
    )

    def __init__(self, layers, trainable, non_trainable):
        self.layers = layers
        self.trainable = trainable
        self.non_trainable = non_trainable
        self.gathered = None
        self.adds_losses = False
        self._owners = []  # weak references to the trackers of the layers that own this one

    def add_layer(self, layer):
        """Makes `layer` a sublayer (once)."""
        if layer._tracker is self or any(lay is layer for lay in self.layers):
            return
        self.layers.append(layer)
        self.adopt(layer)

    def adopt(self, layer):
        """Links `layer`, just put in `layers` (a Sequential model may hold a layer twice),
        to this tracker, so that changes below it reach this layer."""
        tracker = layer._tracker
        tracker._add_owner(self)
        if tracker.adds_losses:
            self.mark_adds_losses()
        self.changed()

    def release(self, layer):
        """Unlinks `layer`, just taken out of `layers` (Sequential.pop), unless it is still
        there."""
        if not any(lay is layer for lay in self.layers):
            tracker = layer._tracker
            tracker._owners = [ref for ref in tracker._owners if ref() not in (self, None)]
        self.changed()

    def add_variable(self, variable, trainable=None):
        """Makes `variable` one of the layer's own weights (once), trainable or not as
        `trainable` says (by default as the variable says)."""
        if any(w is variable for w in self.trainable) or any(
            w is variable for w in self.non_trainable
        ):
            return
        if trainable is None:
            trainable = variable.trainable
        (self.trainable if trainable else self.non_trainable).append(variable)
        self.changed()

    def changed(self):
        """Drops what was gathered over this layer's tree, here and in every layer above."""
        self.gathered = None
        dead = False
        for ref in self._owners:
            owner = ref()
            if owner is None:
                dead = True
            else:
                owner.changed()
        if dead:
            self._owners = [ref for ref in self._owners if ref() is not None]

    def mark_adds_losses(self):
        """Notes that this layer (or one below it) adds losses, here and above."""
        self.adds_losses = True
        for ref in self._owners:
            owner = ref()
            if owner is not None and not owner.adds_losses:
                owner.mark_adds_losses()

    def _add_owner(self, tracker):
        if not any(ref() is tracker for ref in self._owners):
            self._owners.append(weakref.ref(tracker))

    def relink(self, previous=None):
        """After unpickling or copying: registers this tracker as the owner of its sublayers'
        trackers again (owners are weak references, which are not pickled), and keeps the
        owners registered on `previous`, the tracker the layer had before its state was
        restored (its owner may have been restored first)."""
        if previous is not None and previous is not self:
            for ref in previous._owners:
                owner = ref()
                if owner is not None:
                    self._add_owner(owner)
        for layer in self.layers:
            layer._tracker._add_owner(self)

    def __getstate__(self):
        # Owners and the gathered lists are rebuilt, not saved: a sublayer pickled alone does
        # not take the model that owns it along.
        return (self.layers, self.trainable, self.non_trainable, self.adds_losses)

    def __setstate__(self, state):
        self.layers, self.trainable, self.non_trainable, self.adds_losses = state
        self.gathered = None
        self._owners = []
