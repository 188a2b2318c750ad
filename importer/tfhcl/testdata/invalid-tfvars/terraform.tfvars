node_count    = "three"
address_space = ["10.70.0.0/16"]
nodes_per_pool = 4
