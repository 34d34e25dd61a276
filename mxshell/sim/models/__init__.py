"""The Galaxy model files shipped with the simulator (demo_plant.json)."""
