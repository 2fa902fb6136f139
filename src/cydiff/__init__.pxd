# Marks src/cydiff as the package `cydiff` for cimports between its extension modules.
