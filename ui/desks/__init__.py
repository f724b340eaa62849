"""What the main window does, by area: a desk holds one area's commands (its menus, tabs and
bars call them), so the window itself only builds and wires."""
