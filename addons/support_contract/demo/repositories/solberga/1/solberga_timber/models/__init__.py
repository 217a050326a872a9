from . import timber_grade
