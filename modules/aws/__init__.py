"""One construct module per AWS area. Importing this package makes sure jsii runs on the bundled Node."""

from ..engine.node import use_bundled_node

use_bundled_node()
