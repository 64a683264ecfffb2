# Inline code of section 2.2.1 -- Scalars (rank-0 tensors)
# Deep Learning with Python, 2nd ed., chapter 2, section 2.2 (code as printed in the book)
import numpy as np
x = np.array(12)
x
x.ndim
