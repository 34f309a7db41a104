"""Pages of the class council part: the councils index and a class's council, the teachers' fast
list of appraisals and the staff's conduct marks. URLs in `web/council_urls.py`."""
