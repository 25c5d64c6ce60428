"""The video-vitals panel: camera or file, live preview, pulse and heart-rate trend."""
