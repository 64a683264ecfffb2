# Listing 8.6 -- Copying images to training, validation, and test directories
# Deep Learning with Python, 2nd ed., chapter 8, section 8.2.2 (code as printed in the book)
# Runs in a working folder whose train/ is Kaggle's dogs-vs-cats train/ (runners/dogs_vs_cats.py).
import os, shutil, pathlib

original_dir = pathlib.Path("train")
new_base_dir = pathlib.Path("cats_vs_dogs_small")

def make_subset(subset_name, start_index, end_index):
    for category in ("cat", "dog"):
        dir = new_base_dir / subset_name / category
        os.makedirs(dir)
        fnames = [f"{category}.{i}.jpg" for i in range(start_index, end_index)]
        for fname in fnames:
            shutil.copyfile(src=original_dir / fname,
                            dst=dir / fname)

make_subset("train", start_index=0, end_index=1000)
make_subset("validation", start_index=1000, end_index=1500)
make_subset("test", start_index=1500, end_index=2500)
