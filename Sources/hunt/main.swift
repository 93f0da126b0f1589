print("hunt")
