"""The kiosk page (a hall touch screen) and the visitor's phone status page."""
