{
    "name": "Solberga timber grading",
    "version": "17.0.1.0.0",
    "license": "LGPL-3",
    "depends": ["mrp"],
    "data": ["views/timber_grade_views.xml"],
}
