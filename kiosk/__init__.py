"""The visitors' screens: the kiosk page (a hall touch screen), the phone status page and the
counter tablet's satisfaction survey."""
