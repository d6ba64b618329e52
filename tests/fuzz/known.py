"""The only accepted differences: TensorFlow's quirks, and defects being fixed on other branches.

An entry explains a Finding when one of its ops computes the program's outputs (any op if `ops`
is None; for a program that ends in a deliberately invalid call, that call's op) or, with
`calls`, one of those source fragments appears in the lines that compute them,
the finding's part and symptom are among the entry's, its detail contains `detail` and its
relative size is `within` the entry's bound, if given.
A quirk never explains a finding where finite differences side with TensorFlow: then tapegrad
is wrong, whatever TensorFlow's habits; one that `needs_fd` explains a smooth program's finding
only where finite differences side with tapegrad, for this finding or (for the parts they cannot
check: jacobians, tf.function at other inputs) another of the program's. A `kinks` entry applies
where finite differences never decide: programs at kinks, and tf.function at other inputs.
"""

import numpy as np


class Known:
    __slots__ = ("calls", "detail", "kinks", "needs_fd", "ops", "parts", "symptoms", "why",
                 "within")

    def __init__(self, why, ops=None, parts=None, symptoms=None, detail=None, kinks=False,
                 needs_fd=False, calls=None, within=None):
        self.why, self.ops, self.parts, self.symptoms = why, ops, parts, symptoms
        self.detail, self.kinks, self.needs_fd, self.calls = detail, kinks, needs_fd, calls
        self.within = within

    def explains(self, program, finding, confirmed=()):
        # a program ending in a deliberately invalid call is about that call only; an error
        # may come from any line, the others from the lines that compute the outputs
        lines = program.lines[-1:] if program.error else program.lines if finding.symptom in (
            "tensorflow raises", "tapegrad raises", "crash") else program.live()
        ops = {line[1].name for line in lines}
        source = " ".join(line[2] for line in lines)
        return ((self.ops is None or bool(self.ops & ops))
                and (self.calls is None or any(c in source for c in self.calls))
                and (self.parts is None or finding.part in self.parts)
                and (self.symptoms is None or finding.symptom in self.symptoms)
                and (self.detail is None or self.detail in finding.detail)
                and (self.within is None or (finding.size or np.inf) <= self.within)
                and not (self.kinks and program.smooth and finding.part != "function")
                and not (self.needs_fd and program.smooth and finding.fd != "tapegrad"
                         and self not in confirmed))

    def __repr__(self):
        return self.why


SECOND = {"second order", "forward over reverse"}
FIRST = {"gradient", "forward", "jacobian", "batch_jacobian", "function"}
NONFINITE = {"tapegrad non-finite", "tensorflow non-finite", "tapegrad nan, tensorflow inf",
             "tapegrad inf, tensorflow nan"}
NUMBERS = {"values"} | NONFINITE
CONSISTENCY = {"reverse vs forward", "jacobian vs JVP", "batch_jacobian vs jacobian"}
# the same, with NaN or inf involved
INFINITE = {f"{s}, non-finite" for s in CONSISTENCY}
POLES = {"asin", "acos", "divide", "truediv", "reciprocal", "rsqrt", "sqrt", "log", "log1p", "tan",
         "atan2", "pow", "floormod", "xdivy", "xlogy", "xlog1py"}

# TensorFlow's behaviour where finite differences show it is not the derivative, or where it
# computes nothing. Each entry says how finite differences settled it.
QUIRKS = [
    Known("segment_mean, segment_max and segment_min with an empty segment (an id skipped): "
          "TensorFlow's forward mode (its transposed gradient) and second derivatives give NaN "
          "at outputs whose derivative is finite (for the mean, a division by the segment's "
          "zero count); tapegrad gives the derivative (finite differences agree with tapegrad)",
          {"segment_mean", "segment_max", "segment_min"}, FIRST | SECOND,
          {"tensorflow non-finite"},
          needs_fd=True),
    Known("tf.vectorized_map: TensorFlow's vectorizer (pfor) cannot take the JVP of its own "
          "gradient (it raises a TypeError from a malformed InternalError); tapegrad runs fn per "
          "slice, whose forward over reverse finite differences check", {"vectorized_map"},
          {"forward over reverse"}, {"tensorflow raises"}),
    Known("tf.nn.moments: TensorFlow stops the gradient through the mean inside the variance, "
          "so its second derivatives of the variance are not the variance's (finite differences "
          "agree with tapegrad)", {"moments"}, SECOND, NUMBERS, needs_fd=True),
    Known("softmax_cross_entropy_with_logits: TensorFlow's second derivative drops the "
          "labels-logits cross term (finite differences agree with tapegrad)",
          {"softmax_cross_entropy_with_logits"}, SECOND, NUMBERS, needs_fd=True),
    Known("softmax_cross_entropy_with_logits: TensorFlow's logits gradient is softmax - labels, "
          "exact only for labels that sum to 1 (finite differences agree with tapegrad)",
          {"softmax_cross_entropy_with_logits"}, FIRST | SECOND, NUMBERS, needs_fd=True),
    Known("tf.sign and tf.abs: TensorFlow's JVP of sign (and so the second-order JVP of abs and "
          "of the 1- and inf-norms) is None, tapegrad's zeros, as sign's reverse-mode gradient in "
          "both", {"sign", "abs", "norm"}, {"forward", "forward over reverse"}, {"none"}),
    Known("reduce_prod and cumprod: at exact zeros the second derivative follows TensorFlow's "
          "cumprod gradient (0 where x = 0), so reverse-over-reverse and forward-over-reverse "
          "differ from each other there, exactly as TensorFlow's do", {"reduce_prod", "cumprod"},
          SECOND, NUMBERS | CONSISTENCY | INFINITE, kinks=True),
    Known("where a derivative is infinite (a pole, sqrt at 0), TensorFlow's forward mode, which "
          "transposes its gradient at a zero cotangent, gives NaN for tapegrad's inf",
          None, {"forward", "forward over reverse"}, {"tapegrad inf, tensorflow nan"},
          kinks=True),
    Known("softmax_cross_entropy_with_logits: TensorFlow's forward broadcasts labels against "
          "logits, but its gradient then fails (InvalidArgumentError from a reshape); tapegrad "
          "asks for equal shapes up front", {"softmax_cross_entropy_with_logits"}, {"value"},
          {"tapegrad raises"}, "must have the same shape"),
    Known("at a pole of a derivative (pow(0, y) with y < 1, asin and acos at +-1, a division by "
          "0) reverse and forward mode give 0, inf or NaN by how the rules are written (a zero "
          "cotangent times an infinite derivative), in TensorFlow exactly as in tapegrad, e.g. "
          "the gradient of tf.pow(x, 0.0)[1] at x = [0, 2] is [nan, 0] in both",
          POLES, None, INFINITE, kinks=True),
    Known("pow(x, y) at x = 0, along a tangent of y: TensorFlow's forward mode, its gradient "
          "where(x > 0, log(x), 0) transposed, multiplies log(0) = -inf by the zero of the "
          "unselected branch and gives NaN; its reverse mode, and tapegrad's both modes, give 0",
          {"pow"}, {"forward", "forward over reverse"}, {"tensorflow non-finite"}, kinks=True),
    Known("pow(x, y) at x <= 0: TensorFlow takes log(x) as 0 in the exponent's gradient, so the "
          "mixed second derivatives depend on the order of differentiation: reverse-over-reverse "
          "and forward-over-reverse differ there, in TensorFlow exactly as in tapegrad", {"pow"},
          SECOND, CONSISTENCY, kinks=True),
    Known("at a pole of a derivative (log and log1p at their pole, asin and acos at +-1, a "
          "division by 0), the second derivative comes out NaN in one library and inf or 0 in "
          "the other, as the rules are written: TensorFlow's multiply by reciprocal(x), whose "
          "own gradient tests for a zero cotangent, where tapegrad divides (0 / 0); neither is "
          "a derivative there", POLES, SECOND, {"tapegrad nan, tensorflow inf",
                                                "tapegrad inf, tensorflow nan",
                                                "tapegrad non-finite"}, kinks=True),
    Known("TensorFlow's tf.function differs from its own eager mode, which agrees with tapegrad "
          "(its eager and tf.function results are both compared): the graph optimizer rewrites "
          "logical_not(a >= b) as a < b, wrong for NaN; graph mode cannot unstack a tensor of "
          "unknown shape (after boolean_mask)",
          None, {"function"}, {"tensorflow's tf.function differs from its eager mode"}),
    Known("inv and solve of a matrix with NaN entries (and the gradients of det and slogdet, "
          "which invert it): TensorFlow raises 'not invertible' or returns NaN by where the NaN "
          "lands in its LU pivots (Eigen's minCoeff over them); tapegrad returns NaN",
          {"inv", "solve", "det", "slogdet"}, None, {"tensorflow raises", "tapegrad raises"},
          "not invertible"),
    Known("cholesky of a matrix with inf entries in its lower triangle: both read that triangle "
          "only (so inf or NaN above the diagonal is ignored alike), but LAPACK's factorization "
          "(NumPy, here) and Eigen's (TensorFlow) spread an inf differently: for an all-inf "
          "leading block tapegrad gives inf on the diagonal and 0 below it, TensorFlow NaN below "
          "it; neither is a factor", {"cholesky", "logdet"}, None, NONFINITE,
          kinks=True),
    Known("tf.slice of a scalar (begin and size []): TensorFlow's gradient and tf.function "
          "fail, its empty lists converting to float32 ('Value for attr 'Index' of float is not "
          "in the list of allowed values'); tapegrad computes them", {"slice"}, None,
          {"tensorflow raises"}, calls=(", [], [])",)),
    # the bound is 1e-4, not 1e-6: near gelu's minimum (x = -0.75) its derivative nears 0,
    # where the same absolute difference is a larger relative one (seed 54's jacobian: 1.8e-5)
    Known("gelu: TensorFlow rounds its constants (1 / sqrt(2), 0.044715, sqrt(2 / pi)) to float32 "
          "even in float64, a relative difference below 1e-6 (finite differences cannot tell)",
          {"gelu"}, None, {"values"}, within=1e-4),
    Known("tf.math.erf(inf) is NaN in TensorFlow's float64 kernel (and so gelu(inf)); erf(inf) "
          "is 1 by definition, as tapegrad (math.erf) gives", {"erf", "gelu"}, None,
          {"tensorflow non-finite", "tapegrad inf, tensorflow nan"}, kinks=True),
    Known("TensorFlow's BroadcastTo kernel (in broadcast_to, and in the gradients and JVPs of "
          "tile and broadcasting ops) fails above rank 5: UnimplementedError 'Broadcast between "
          "[1,2,1,3,1,2] and [2,2,2,3,2,2] is not supported yet'; tapegrad computes them", None,
          None, {"tensorflow raises"}, "is not supported yet"),
    Known("sqrt at 0 (reduce_std of equal values, the 2-norm of zeros): TensorFlow's forward "
          "mode has no zero test (0.5 * t / y is NaN for a zero tangent) while its reverse mode "
          "has one (SqrtGrad gives 0 for a zero cotangent), so where sqrt(0) reaches an output "
          "only through constants forward mode gives NaN and reverse mode a finite gradient, in "
          "TensorFlow as in tapegrad", None, None, INFINITE, kinks=True,
          calls=("tf.sqrt(", "reduce_std(", "tf.norm(", "** 0.5")),
    Known("a float32 round trip inside a float64 program casts the cotangent to float32 too: "
          "a large one overflows to inf in reverse mode where forward mode, casting the tangent "
          "before the large factors, stays finite; in TensorFlow as in tapegrad", {"cast"}, None,
          INFINITE, kinks=True, calls=("tf.float32)",)),
    Known("softsign: TensorFlow has no gradient for SoftsignGrad: no second derivative and no "
          "forward mode (its JVPs go through the gradient's gradient)", {"softsign"}, None,
          {"tensorflow raises"}, "SoftsignGrad"),
    Known("gather_nd: TensorFlow's forward mode fails on its IndexedSlices gradient (an "
          "AttributeError or a TypeError), and so on the scatters' gradients, which are gather_nd",
          {"gather_nd", "scatter_nd", "tensor_scatter_nd_add", "tensor_scatter_nd_sub",
           "tensor_scatter_update"}, {"forward", "forward over reverse"}, {"tensorflow raises"}),
    Known("local_response_normalization: TensorFlow has no gradient for LRNGrad: no second "
          "derivative and no forward mode (its JVPs go through the gradient's gradient)",
          {"local_response_normalization"}, None, {"tensorflow raises"}, "LRNGrad"),
    Known("segment_prod and unsorted_segment_prod at a zero: TensorFlow's gradient divides the "
          "segment's product by the element, whose own derivative is then 0 / 0, so reverse over "
          "reverse gives NaN where forward over reverse is finite, in TensorFlow as in tapegrad "
          "(where a dropped slice, id -1, holds a zero, that NaN reaches its segment's other "
          "elements in TensorFlow, not in tapegrad); neither is a derivative there",
          {"segment_prod", "unsorted_segment_prod"}, SECOND,
          CONSISTENCY | INFINITE | NONFINITE, kinks=True),
    Known("segment and unsorted_segment max and min of a segment holding NaN: TensorFlow's "
          "kernel folds max(dest, v) as v < dest ? dest : v (min alike), so a NaN lasts only until "
          "the segment's next value and its result depends on the order ([nan, 1] gives 1, [1, "
          "nan] NaN); tapegrad's (NumPy's maximum and minimum) is NaN whenever the segment holds "
          "one; neither is the maximum of a NaN",
          {"segment_max", "unsorted_segment_max", "segment_min", "unsorted_segment_min"}, None,
          {"tapegrad non-finite", "tapegrad nan, tensorflow inf", "tapegrad inf, tensorflow nan"},
          kinks=True),
    Known("xlogy, xlog1py and xdivy where the partial derivative for x is not finite (y <= 0 "
          "for xlogy): TensorFlow's forward mode (its gradient transposed) multiplies it by the "
          "zero tangent of its zero test not_zero_x = cast(x != 0) and gives NaN; tapegrad's "
          "test, a comparison, has no tangent, so the JVP of the gradient along y stays finite; "
          "neither is a derivative of a NaN or infinite value",
          {"xlogy", "xlog1py", "xdivy"}, {"forward", "forward over reverse"},
          {"tensorflow non-finite"}, kinks=True),
    # finite differences cannot check a jacobian; tapegrad's is checked against its JVPs
    Known("tf.roll along a negative axis: TensorFlow's vectorized jacobian (pfor) rolls the "
          "wrong axis: jacobian(tf.roll(x, 1, -1), x) of a (3, 2) x differs from its "
          "experimental_use_pfor=False answer, which agrees with tapegrad",
          {"roll"}, {"jacobian", "batch_jacobian"}, {"values"}, calls=("axis=-",)),
    Known("local_response_normalization runs in float32 inside float64 programs (TensorFlow's "
          "LRN kernel refuses float64), where the two libraries round differently: differences "
          "at float32 precision", {"local_response_normalization"}, None, {"values"},
          within=1e-4),
]

# Defects being fixed on other branches right now, as Known entries (e.g. "fix-rules: NaN
# leaks through maximum's masked cotangent", keyed by op and symptom): the lead removes each
# when its branch is merged, and from then on the fuzzer checks the behaviour. Empty: the
# fix-rules and fix-engine items this list held (NaN through masked cotangents, tf.norm's and
# sqrt's derivatives at 0, integer floordiv by zero, argmax with NaN, one_hot and reshape
# arguments, tf.function results not from tensor arguments, batch_jacobian of an unconnected
# output) are on main, and the fuzzer passes without them.
PENDING = []


def explain(program, finding, confirmed=()):
    """The entry that accepts `finding`, or None. `confirmed`: the quirks that finite
    differences confirmed on other findings of the program."""
    for entry in PENDING:
        if entry.explains(program, finding):
            return entry
    if finding.fd != "tensorflow":
        for entry in QUIRKS:
            if entry.explains(program, finding, confirmed):
                return entry
    return None


def confirmed(program, findings):
    """The quirks that finite differences confirm on some finding of the program."""
    return {entry for f in findings if f.fd == "tapegrad" for entry in QUIRKS
            if entry.needs_fd and entry.explains(program, f)}
