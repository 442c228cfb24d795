"""The minutes of an inspection (biên bản kiểm tra) as a printable, signed PDF:
``model`` works out what they say, ``render`` lays them out (``template.html`` and
``minutes.css``, through WeasyPrint), ``words`` holds their Vietnamese and English."""
