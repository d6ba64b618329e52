"""Which arrays the engine may write into: those that nothing else can see.

Writing a result into an operand's array instead of a fresh one saves an allocation (a fresh
array of 4 MiB or more is a page-faulting `mmap`) and gives the bits of the out-of-place
computation, but only when no one else holds that array: a variable's buffer that no tensor
read, a cotangent that only the backward walk holds. NumPy elides its own temporaries
(`a + b + c`) under the same condition, a reference count of one.

`held_once(x)` asks it of an object `x` that the caller took from one container (a dict
entry, an attribute, a Tensor's `_value` slot) and holds in one local variable or parameter:
true if that container and that local are its only holders. The count is calibrated on the
running interpreter (versions differ in which references they borrow), and any other count
says "shared", so that the caller computes out of place. A caller must hold `x` through the
container (or through its own caller's local): a fresh object with one unseen holder would
have the same count. Another thread that takes the array between the check and the write
sees the write, as a read racing an unlocked assignment may in TensorFlow.

The backward walk may also donate a cotangent's array that it alone holds to the one rule
that reads it last (`donate`): a forward with an `out=` form that is handed that very array
(`take`) may write its result into it. Only forwards that a rule calls with its cotangent and
after which the rule never reads that cotangent again may take it (relu and its family).
"""

import sys

__all__ = ["HELD_HERE", "donate", "held_once", "take"]

_refcount = sys.getrefcount


def _count(x):
    return _refcount(x)


def _calibrated():
    holder = [object()]
    x = holder[0]  # held by the container and this local, as a caller of held_once holds it
    return _count(x)


_HELD_ONCE = _calibrated()


def _calibrated_here():
    holder = [object()]
    x = holder[0]
    return _refcount(x)


# The count `sys.getrefcount(x)` gives, called directly where held_once(x) would be: a hot
# caller (Variable.assign*) inlines the test to save the call.
HELD_HERE = _calibrated_here()


def held_once(x):
    """True if `x` has no holder but the caller's local and the one container it came from."""
    return _refcount(x) == _HELD_ONCE


# The array the backward walk lets the running rule write into, or None. One per process: only
# the thread that donated an array holds it, so another thread can never take it, and a
# donation another thread's walk overwrites is merely not used.
_donated = [None]


def donate(array):
    """Lets the next forward that is handed `array` write into it (None: takes it back)."""
    _donated[0] = array


def take(array):
    """True, once, if `array` was donated: the caller may write its result into it."""
    if array is _donated[0]:
        _donated[0] = None
        return True
    return False
