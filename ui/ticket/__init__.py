"""One ticket on screen: the record table as a form, its actions and its timeline.

- ``panel``: ``TicketPanel``, the thin composition: the five sections, the action bar,
  the SLA line, the draft bar and the timeline; loading, saving, drafts, conflicts.
- ``form``: what the sections share: a ``Row`` of the table, ``RecordSection`` (a
  section's group box, building its input widgets, their values and editability).
- ``basic``, ``description``, ``handling``, ``verification``, ``closing``: one widget
  per section of the paper table (一、基本信息 … 五、闭环), each with its rows and the
  read-only texts it shows; ``sections`` lists them in the paper's order.
- ``action_bar``: the transitions the person may fire; ``action_dialog``: the dialog
  one transition opens.
- ``timeline``: 处理时间线; ``sla``: both SLA clocks; ``draft_bar``: "恢复 / 丢弃".
- ``conflict_dialog``: someone saved first; choose whose value stays, field by field.

Texts keep the translation context "TicketPanel" they had when the panel was one class.
"""
