# Inline code of section 2.2.3 -- Matrices (rank-2 tensors)
# Deep Learning with Python, 2nd ed., chapter 2, section 2.2 (code as printed in the book)
import numpy as np
x = np.array([[5, 78, 2, 34, 0],
              [6, 79, 3, 35, 1],
              [7, 80, 4, 36, 2]])
x.ndim
