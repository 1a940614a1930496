"""IDyOM's variable-order Markov models (PPM and PPM*) and its multiple-viewpoint systems, in
numpy: a baseline that predicts the pitch of the next note of a melody.

Everything here follows IDyOM 1.7.1 (github mtpearce/idyom: ``ppm-star/ppm-star.lisp``,
``mvs/multiple-viewpoint-system.lisp``, ``mvs/prediction-sets.lisp``, ``mvs/params.lisp``,
``viewpoints/``) and Pearce (2005, PhD thesis, ch. 5-7); each module names the file and function
each rule comes from.

    model.py       one PPM model: settings (``PPMConfig``), counts (``PPM``), blending
    indexes.py     many songs at once: ``CountIndex`` (LTM), ``ReadingIndex`` (LTM+, STM)
    combine.py     entropy-weighted combination, bits per note
    events.py      a melody's notes as IDyOM's basic viewpoints (``Events``)
    viewpoints.py  derived, linked and threaded viewpoints of the notes
    system.py      multiple-viewpoint systems: ``system_distributions``

Alphabet
    IDyOM takes the alphabet from the whole data set, training and test songs alike
    (``viewpoints/extensions.lisp`` ``set-alphabet-from-dataset``), so the order -1 model knows
    every pitch of the corpus; so do the callers here (``alphabet_size``, ``pitches``).

``PPM`` reproduces IDyOM 1.7.1's own test vectors (``testing/ppm-tests.lisp``, 53 cases) to
single-float precision; the one case where a difference shows (2.5e-4 bits, a backoff model on a
long piece) comes from IDyOM leaving a distribution that sums to (0.999, 1) unnormalised: here
distributions are always normalised, in doubles, not single floats.
"""

from .combine import COMBINATIONS, bits, combine, entropy, mean_bits
from .events import IDYOM_MODES, TICKS_PER_QUARTER, Events
from .indexes import CountIndex, ReadingIndex, long_term_distributions, short_term_distributions
from .model import ESCAPES, PPM, PPMConfig, blend, check_sequence
from .system import PARTS, SYSTEMS, SystemConfig, system_distributions, system_named
from .viewpoints import PITCHED, VIEWPOINTS

__all__ = ["COMBINATIONS", "CountIndex", "ESCAPES", "Events", "IDYOM_MODES", "PARTS", "PITCHED",
           "PPM", "PPMConfig", "ReadingIndex", "SYSTEMS", "SystemConfig", "TICKS_PER_QUARTER",
           "VIEWPOINTS", "bits", "blend", "check_sequence", "combine", "entropy",
           "long_term_distributions", "mean_bits", "short_term_distributions",
           "system_distributions", "system_named"]
