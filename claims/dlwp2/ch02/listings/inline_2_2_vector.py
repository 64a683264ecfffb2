# Inline code of section 2.2.2 -- Vectors (rank-1 tensors)
# Deep Learning with Python, 2nd ed., chapter 2, section 2.2 (code as printed in the book)
import numpy as np
x = np.array([12, 3, 6, 14, 7])
x
x.ndim
