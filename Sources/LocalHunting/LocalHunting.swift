public import KQLEngine
