"""One construct module per AWS area. Each imports cdktn, whose first import starts jsii's Node: the engine
(engine/build.py) names the Node to start before it imports any of them (engine/node.py)."""
