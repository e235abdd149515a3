<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name></name>
    <message>
        <source>出现了意外错误，详情已写入日志。</source>
        <translation>An unexpected error occurred; the details were written to the log.</translation>
    </message>
    <message>
        <source>已停用</source>
        <translation>Deactivated</translation>
    </message>
    <message>
        <source>未设密码</source>
        <translation>No password set</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>周</source>
        <translation>周</translation>
    </message>
    <message>
        <source>日历文件</source>
        <translation>Calendar files</translation>
    </message>
    <message>
        <source>导入并确认本年完整</source>
        <translation>Import and confirm the year complete</translation>
    </message>
    <message>
        <source>仅导入</source>
        <translation>Import only</translation>
    </message>
    <message>
        <source>管理(&amp;A)</source>
        <translation>&amp;Admin</translation>
    </message>
    <message>
        <source>仅管理员可用</source>
        <translation>Administrators only</translation>
    </message>
    <message>
        <source>第 {0} 页</source>
        <translation>Page {0}</translation>
    </message>
    <message>
        <source>转到第 {0} 页</source>
        <translation>Go to page {0}</translation>
    </message>
    <message>
        <source>/ 共 {0} 页</source>
        <translation>/ {0} pages</translation>
    </message>
    <message>
        <source>缩小（Ctrl+滚轮）</source>
        <translation>Zoom out (Ctrl+wheel)</translation>
    </message>
    <message>
        <source>放大（Ctrl+滚轮）</source>
        <translation>Zoom in (Ctrl+wheel)</translation>
    </message>
    <message>
        <source>适合宽度</source>
        <translation>Fit width</translation>
    </message>
    <message>
        <source>页面宽度与窗口一致</source>
        <translation>Make the page as wide as the window</translation>
    </message>
    <message>
        <source>实际大小</source>
        <translation>Actual size</translation>
    </message>
    <message>
        <source>按 100% 显示</source>
        <translation>Show at 100%</translation>
    </message>
    <message>
        <source>第</source>
        <translation>Page</translation>
    </message>
    <message>
        <source>页</source>
        <translation> </translation>
    </message>
    <message>
        <source>正在生成文档…</source>
        <translation>Generating the document…</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>打印（Ctrl+P）</source>
        <translation>Print (Ctrl+P)</translation>
    </message>
    <message>
        <source>另存为 PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <source>另存为 PDF（Ctrl+S）</source>
        <translation>Save as PDF (Ctrl+S)</translation>
    </message>
    <message>
        <source>签发…</source>
        <translation>Issue…</translation>
    </message>
    <message>
        <source>发送…</source>
        <translation>Send…</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>只有{0}可以签发。</source>
        <translation>Only the {0} may issue this.</translation>
    </message>
    <message>
        <source>无法生成文档（{0}），详情已写入日志。</source>
        <translation>The document could not be generated ({0}); the details were written to the log.</translation>
    </message>
    <message>
        <source>无法生成文档：</source>
        <translation>The document could not be generated: </translation>
    </message>
    <message>
        <source>无法显示页面：</source>
        <translation>The page cannot be shown: </translation>
    </message>
    <message>
        <source>另存为 PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>已保存：</source>
        <translation>Saved: </translation>
    </message>
    <message>
        <source>正在打印…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <source>已发送到打印机：{0} 页</source>
        <translation>Sent to the printer: {0} page(s)</translation>
    </message>
    <message>
        <source>已签发并记录。</source>
        <translation>Issued and recorded.</translation>
    </message>
    <message>
        <source>出现意外错误（{0}），详情已写入日志。</source>
        <translation>An unexpected error occurred ({0}); the details were written to the log.</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>Desk</translation>
    </message>
    <message>
        <source>签发</source>
        <translation>Issue</translation>
    </message>
    <message>
        <source>发送</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>发送对象（勾选部门）：</source>
        <translation>Recipients (tick the departments):</translation>
    </message>
    <message>
        <source>其他发送对象（用“、”分隔）：</source>
        <translation>Other recipients (separated by “、”):</translation>
    </message>
    <message>
        <source>例如：客户服务部、总经理办公室</source>
        <translation>e.g. Customer Service、General Manager&apos;s Office</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>文档(&amp;D)</source>
        <translation>&amp;Documents</translation>
    </message>
    <message>
        <source>请先在列表中选择一个故障。</source>
        <translation>Select a fault in the list first.</translation>
    </message>
    <message>
        <source>无法创建文件夹 {0}：{1}</source>
        <translation>Cannot create the folder {0}: {1}</translation>
    </message>
    <message>
        <source>{0}：无法写入（{1}）</source>
        <translation>{0}: cannot be written ({1})</translation>
    </message>
    <message>
        <source>{0}：无法生成文档（{1}），详情已写入日志</source>
        <translation>{0}: the document could not be generated ({1}); the details were written to the log</translation>
    </message>
    <message>
        <source>批量导出文档</source>
        <translation>Export documents in bulk</translation>
    </message>
    <message>
        <source>已选择 {0} 个故障。</source>
        <translation>{0} fault(s) selected.</translation>
    </message>
    <message>
        <source>导出哪些文档：</source>
        <translation>Documents to export:</translation>
    </message>
    <message>
        <source>不适用于故障当前状态或等级的文档会被跳过。</source>
        <translation>Documents that do not apply to a fault&apos;s current state or level are skipped.</translation>
    </message>
    <message>
        <source>保存到：</source>
        <translation>Save to:</translation>
    </message>
    <message>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>%v / %m 个故障</source>
        <translation>%v / %m faults</translation>
    </message>
    <message>
        <source>未能导出：</source>
        <translation>Could not export:</translation>
    </message>
    <message>
        <source>打开文件夹</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>选择导出文件夹</source>
        <translation>Choose the export folder</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>正在导出：{0}（{1}/{2}）</source>
        <translation>Exporting: {0} ({1}/{2})</translation>
    </message>
    <message>
        <source>已导出 {0} 个文件</source>
        <translation>{0} file(s) exported</translation>
    </message>
    <message>
        <source>已取消（处理了 {0}/{1} 个故障）。</source>
        <translation>Cancelled ({0}/{1} faults processed).</translation>
    </message>
    <message>
        <source>，{0} 个失败</source>
        <translation>, {0} failed</translation>
    </message>
    <message>
        <source>，{0} 份因状态不适用而跳过</source>
        <translation>, {0} skipped as not applicable to the state</translation>
    </message>
    <message>
        <source>。</source>
        <translation>.</translation>
    </message>
    <message>
        <source>预览与打印…</source>
        <translation>Preview and print…</translation>
    </message>
    <message>
        <source>预览所选故障当前最相关的文档（Ctrl+P）</source>
        <translation>Preview the most relevant document for the selected fault now (Ctrl+P)</translation>
    </message>
    <message>
        <source>批量导出…</source>
        <translation>Export in bulk…</translation>
    </message>
    <message>
        <source>请先在列表中选择要导出的故障。</source>
        <translation>Select the faults to export in the list first.</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>临时方案 </source>
        <translation>Workaround </translation>
    </message>
    <message>
        <source>请先选择当前人员。</source>
        <translation>Choose the current person first.</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>丢弃</source>
        <translation>Discard</translation>
    </message>
    <message>
        <source>发现未保存的草稿（{0}）</source>
        <translation>An unsaved draft was found ({0})</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>（已通知部门负责人与 IT 应急联系人）</source>
        <translation>(department head and IT emergency contact notified)</translation>
    </message>
    <message>
        <source>未确定</source>
        <translation>Not determined</translation>
    </message>
    <message>
        <source>能复现</source>
        <translation>Reproducible</translation>
    </message>
    <message>
        <source>不能复现</source>
        <translation>Not reproducible</translation>
    </message>
    <message>
        <source>等级通过“受理研判”“分级派单”“调整等级”修改</source>
        <translation>The level is changed through “Acknowledge and triage”, “Grade and dispatch” and “Change level”</translation>
    </message>
    <message>
        <source>类型在“受理研判”时确定</source>
        <translation>The type is settled at “Acknowledge and triage”</translation>
    </message>
    <message>
        <source>当前状态或角色下不可修改</source>
        <translation>Cannot be changed in the current state or with your roles</translation>
    </message>
    <message>
        <source>（待业务方确认）</source>
        <translation> (awaiting business confirmation)</translation>
    </message>
    <message>
        <source>（待技术审批）</source>
        <translation> (awaiting technical approval)</translation>
    </message>
    <message>
        <source>周一</source>
        <translation>Mon</translation>
    </message>
    <message>
        <source>周二</source>
        <translation>Tue</translation>
    </message>
    <message>
        <source>周三</source>
        <translation>Wed</translation>
    </message>
    <message>
        <source>周四</source>
        <translation>Thu</translation>
    </message>
    <message>
        <source>周五</source>
        <translation>Fri</translation>
    </message>
    <message>
        <source>周六</source>
        <translation>Sat</translation>
    </message>
    <message>
        <source>周日</source>
        <translation>Sun</translation>
    </message>
    <message>
        <source>全天候计时</source>
        <translation>on the clock (24×7)</translation>
    </message>
    <message>
        <source>按工作日计时</source>
        <translation>on working days</translation>
    </message>
    <message>
        <source>按值班时间计时</source>
        <translation>in duty hours</translation>
    </message>
    <message>
        <source>响应</source>
        <translation>Response</translation>
    </message>
    <message>
        <source>已暂停：{0}（暂停合计 {1}）</source>
        <translation>Paused: {0} (paused in all {1})</translation>
    </message>
    <message>
        <source>暂停合计 {0}</source>
        <translation>Paused in all {0}</translation>
    </message>
    <message>
        <source>时限</source>
        <translation>Deadlines</translation>
    </message>
    <message>
        <source>（估算）</source>
        <translation> (estimated)</translation>
    </message>
    <message>
        <source>{0}，{1}</source>
        <translation>{0}, {1}</translation>
    </message>
    <message>
        <source>{0}（{1}）</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>处理时间线</source>
        <translation>Handling timeline</translation>
    </message>
    <message>
        <source>系统</source>
        <translation>System</translation>
    </message>
    <message>
        <source>通过</source>
        <translation>Passed</translation>
    </message>
    <message>
        <source>不通过</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>{0} 分（满分 5 分）</source>
        <translation>{0} out of 5</translation>
    </message>
    <message>
        <source>（第 {0} 轮）</source>
        <translation> (round {0})</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; {1}，截止 {2}，计入 {3}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; {1}, due {2}, {3} counted</translation>
    </message>
    <message>
        <source>值班时间（工作日）：{0}</source>
        <translation>Duty hours (working days): {0}</translation>
    </message>
    <message>
        <source>暂停中</source>
        <translation>still paused</translation>
    </message>
    <message>
        <source>暂停 {0} – {1}：{2}（{3}）</source>
        <translation>Paused {0} – {1}: {2} ({3})</translation>
    </message>
    <message>
        <source>已发送并记录。</source>
        <translation>Sent and recorded.</translation>
    </message>
    <message>
        <source>处理总结（将写入完成通知）：</source>
        <translation>Summary (goes into the completion notice):</translation>
    </message>
    <message>
        <source>处理总结</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>故障如何处理、结果如何</source>
        <translation>How the fault was handled, and with what result</translation>
    </message>
    <message>
        <source>请填写处理总结：完成通知须写明故障如何处理、结果如何。</source>
        <translation>Write the summary: the completion notice must say how the fault was handled and with what result.</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>已结束，无需进一步处理</source>
        <translation>Closed: nothing more to do</translation>
    </message>
    <message>
        <source>等待 {0} 验证</source>
        <translation>Waiting for {0} to verify</translation>
    </message>
    <message>
        <source>等待{0}</source>
        <translation>Waiting for {0}</translation>
    </message>
    <message>
        <source>下一步：{0}（{1}）</source>
        <translation>Next: {0} ({1})</translation>
    </message>
    <message>
        <source>，负责人 {0}</source>
        <translation>, assignee {0}</translation>
    </message>
    <message>
        <source>已{0}：{1}</source>
        <translation>Done “{0}”: {1}</translation>
    </message>
    <message>
        <source>第 {0} 轮</source>
        <translation>Round {0}</translation>
    </message>
    <message>
        <source>环境：</source>
        <translation>Environment: </translation>
    </message>
    <message>
        <source>内容：</source>
        <translation>Checked: </translation>
    </message>
    <message>
        <source>保存对故障记录的修改</source>
        <translation>Save the changes to the fault record</translation>
    </message>
    <message>
        <source>故障的操作按钮，从左到右（受理研判、分级派单……）</source>
        <translation>The fault’s action buttons, left to right (Triage, Dispatch …)</translation>
    </message>
    <message>
        <source>在附件区粘贴截图或文件</source>
        <translation>Paste a screenshot or files into the attachments</translation>
    </message>
    <message>
        <source>在输入项之间移动</source>
        <translation>Move between the inputs</translation>
    </message>
    <message>
        <source>关闭对话框（不保存）</source>
        <translation>Close a dialog (without saving)</translation>
    </message>
    <message>
        <source>快捷键</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>按键</source>
        <translation>Keys</translation>
    </message>
    <message>
        <source>作用</source>
        <translation>What it does</translation>
    </message>
    <message>
        <source>快捷键…</source>
        <translation>Keyboard shortcuts…</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>{0} 条/分钟</source>
        <translation>{0}/minute</translation>
    </message>
    <message>
        <source>，{0} 条/秒</source>
        <translation>, {0}/second</translation>
    </message>
    <message>
        <source>已加签</source>
        <translation>Signed</translation>
    </message>
    <message>
        <source>未加签</source>
        <translation>Not signed</translation>
    </message>
    <message>
        <source>停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>删除渠道“{0}”？规则中对它的引用不再送达。</source>
        <translation>Remove the channel “{0}”? Rules naming it no longer reach it.</translation>
    </message>
    <message>
        <source>它还有 {0} 条待发送的消息，删除后这些消息标为发送失败，不再发送。</source>
        <translation>It still has {0} messages waiting; once it is removed they are marked failed and never sent.</translation>
    </message>
    <message>
        <source>删除渠道</source>
        <translation>Remove channel</translation>
    </message>
    <message>
        <source>{0}天{1}小时</source>
        <translation>{0}d {1}h</translation>
    </message>
    <message>
        <source>{0}小时{1}分</source>
        <translation>{0}h {1}m</translation>
    </message>
    <message>
        <source>{0}分</source>
        <translation>{0}m</translation>
    </message>
    <message>
        <source>已超时 {0}</source>
        <translation>Overdue {0}</translation>
    </message>
    <message>
        <source>剩余 {0}</source>
        <translation>{0} left</translation>
    </message>
    <message>
        <source>超时 {0}</source>
        <translation>{0} late</translation>
    </message>
    <message>
        <source>报告人来信 {0}，自动恢复</source>
        <translation>the reporter answered ({0}): resumed by itself</translation>
    </message>
</context>
<context>
    <name>ActionDialog</name>
    <message>
        <source>（可选）</source>
        <translation> (optional)</translation>
    </message>
    <message>
        <source>重新载入</source>
        <translation>Reload</translation>
    </message>
    <message>
        <source>载入他人的修改；已输入的内容保留</source>
        <translation>Load the other person&apos;s changes; what you typed is kept</translation>
    </message>
    <message>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>（未选择）</source>
        <translation>(none selected)</translation>
    </message>
    <message>
        <source>临时方案（已规避）</source>
        <translation>Workaround (bypassed)</translation>
    </message>
    <message>
        <source>服务已恢复</source>
        <translation>Service restored</translation>
    </message>
    <message>
        <source> 可点击“重新载入”查看最新内容后再确定。</source>
        <translation> Click “Reload” to see the latest content, then confirm.</translation>
    </message>
    <message>
        <source>操作失败（内部错误，已记录日志）：</source>
        <translation>The action failed (internal error, logged): </translation>
    </message>
    <message>
        <source>已载入最新内容（版本 {0}），请确认后再点“确定”。</source>
        <translation>The latest content is loaded (version {0}); check it, then click “OK”.</translation>
    </message>
    <message>
        <source>未确定</source>
        <translation>Not determined</translation>
    </message>
    <message>
        <source>（不评分）</source>
        <translation>(not rated)</translation>
    </message>
    <message>
        <source>能</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>不能</source>
        <translation>No</translation>
    </message>
    <message>
        <source>驳回…</source>
        <translation>Send back…</translation>
    </message>
    <message>
        <source>把方案退回给提出人，并写明理由</source>
        <translation>Send the proposal back to its proposer, with the reason</translation>
    </message>
    <message>
        <source>（未设定）</source>
        <translation>(not set)</translation>
    </message>
    <message>
        <source>添加一行</source>
        <translation>Add a row</translation>
    </message>
    <message>
        <source>删除所选行</source>
        <translation>Remove the selected row</translation>
    </message>
    <message>
        <source>提出人：{0}（{1}）</source>
        <translation>Proposed by: {0} ({1})</translation>
    </message>
    <message>
        <source>长期解决方案：</source>
        <translation>Long-term solution: </translation>
    </message>
    <message>
        <source>临时解决方案：</source>
        <translation>Temporary solution: </translation>
    </message>
    <message>
        <source>业务确认：</source>
        <translation>Business confirmation: </translation>
    </message>
    <message>
        <source>技术审批：</source>
        <translation>Technical approval: </translation>
    </message>
    <message>
        <source>请为本次处理打分（可不评分）。</source>
        <translation>Rate how the fault was handled (or leave it unrated).</translation>
    </message>
    <message>
        <source>满意度是报告人 {0} 的评价：请填写其评分与意见，或不评分。</source>
        <translation>The rating is the reporter&apos;s ({0}): enter their score and comment, or leave it unrated.</translation>
    </message>
    <message>
        <source>应急小组成员（至少两类）</source>
        <translation>Emergency team (at least two kinds)</translation>
    </message>
    <message>
        <source>5 分 — 非常满意</source>
        <translation>5 — Very satisfied</translation>
    </message>
    <message>
        <source>4 分 — 满意</source>
        <translation>4 — Satisfied</translation>
    </message>
    <message>
        <source>3 分 — 一般</source>
        <translation>3 — Neutral</translation>
    </message>
    <message>
        <source>2 分 — 不满意</source>
        <translation>2 — Dissatisfied</translation>
    </message>
    <message>
        <source>1 分 — 很不满意</source>
        <translation>1 — Very dissatisfied</translation>
    </message>
</context>
<context>
    <name>ActionItemsDialog</name>
    <message>
        <source>我的整改措施 — {0}</source>
        <translation>My action items — {0}</translation>
    </message>
    <message>
        <source>包括已完成的</source>
        <translation>Include the done ones</translation>
    </message>
    <message>
        <source>措施</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>完成期限</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>所属</source>
        <translation>Of</translation>
    </message>
    <message>
        <source>标记完成…</source>
        <translation>Mark done…</translation>
    </message>
    <message>
        <source>（已逾期）</source>
        <translation> (overdue)</translation>
    </message>
    <message>
        <source>标记完成</source>
        <translation>Mark done</translation>
    </message>
    <message>
        <source>完成情况（可选）</source>
        <translation>What was done (optional)</translation>
    </message>
    <message>
        <source>请先选择一项措施。</source>
        <translation>Choose an action item first.</translation>
    </message>
    <message>
        <source>出现了意外错误，详情已写入日志。</source>
        <translation>An unexpected error occurred; the details were written to the log.</translation>
    </message>
</context>
<context>
    <name>AddChannelDialog</name>
    <message>
        <source>添加通知渠道</source>
        <translation>Add a notification channel</translation>
    </message>
    <message>
        <source>例如 运维值班群（规则中写作 channel:名称）</source>
        <translation>e.g. Ops on duty (rules name it channel:NAME)</translation>
    </message>
    <message>
        <source>平台默认</source>
        <translation>Platform default</translation>
    </message>
    <message>
        <source> 条/分钟</source>
        <translation> per minute</translation>
    </message>
    <message>
        <source>平台：</source>
        <translation>Platform:</translation>
    </message>
    <message>
        <source>名称：</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Webhook 地址：</source>
        <translation>Webhook URL:</translation>
    </message>
    <message>
        <source>加签密钥：</source>
        <translation>Signing secret:</translation>
    </message>
    <message>
        <source>频率上限：</source>
        <translation>Rate limit:</translation>
    </message>
    <message>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>企业微信机器人无需密钥</source>
        <translation>A WeCom robot has no secret</translation>
    </message>
    <message>
        <source>保存后不再显示</source>
        <translation>Never shown again once saved</translation>
    </message>
</context>
<context>
    <name>AdminDialogs</name>
    <message>
        <source>出现了意外错误，详情已写入日志。</source>
        <translation>An unexpected error occurred; the details were written to the log.</translation>
    </message>
    <message>
        <source>导入并确认本年完整</source>
        <translation>Import and confirm the year complete</translation>
    </message>
    <message>
        <source>仅导入</source>
        <translation>Import only</translation>
    </message>
    <message>
        <source>管理(&amp;A)</source>
        <translation>&amp;Admin</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>日历文件</source>
        <translation>Calendar files</translation>
    </message>
    <message>
        <source>已停用</source>
        <translation>Deactivated</translation>
    </message>
    <message>
        <source>未设密码</source>
        <translation>No password set</translation>
    </message>
    <message>
        <source>仅管理员可用</source>
        <translation>Administrators only</translation>
    </message>
    <message>
        <source>周</source>
        <translation>周</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Employee no.</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>联系方式</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>分钟</source>
        <translation>minutes</translation>
    </message>
    <message>
        <source>小时</source>
        <translation>hours</translation>
    </message>
    <message>
        <source>天</source>
        <translation>days</translation>
    </message>
    <message>
        <source>全天候计时</source>
        <translation>on the clock (24×7)</translation>
    </message>
    <message>
        <source>按工作日计时</source>
        <translation>on working days</translation>
    </message>
    <message>
        <source>按值班时间计时</source>
        <translation>in duty hours</translation>
    </message>
    <message>
        <source>休息（节假日）</source>
        <translation>Day off (holiday)</translation>
    </message>
    <message>
        <source>上班（调休）</source>
        <translation>Working day (make-up)</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>星期</source>
        <translation>Weekday</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>人员与角色…</source>
        <translation>People and roles…</translation>
    </message>
    <message>
        <source>故障等级时限…</source>
        <translation>Limits by fault level…</translation>
    </message>
    <message>
        <source>值班时间…</source>
        <translation>Duty hours…</translation>
    </message>
    <message>
        <source>工作日历…</source>
        <translation>Working-day calendar…</translation>
    </message>
    <message>
        <source>单位与时区…</source>
        <translation>Organisation and time zone…</translation>
    </message>
    <message>
        <source>群机器人通知渠道…</source>
        <translation>Group-robot channels…</translation>
    </message>
</context>
<context>
    <name>AttachmentPanel</name>
    <message>
        <source>自动识别</source>
        <translation>Detect automatically</translation>
    </message>
    <message>
        <source>说明（可选）</source>
        <translation>Description (optional)</translation>
    </message>
    <message>
        <source>添加文件…</source>
        <translation>Add files…</translation>
    </message>
    <message>
        <source>粘贴截图</source>
        <translation>Paste screenshot</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>附件类别</source>
        <translation>Attachment category</translation>
    </message>
    <message>
        <source>附件说明</source>
        <translation>Attachment description</translation>
    </message>
    <message>
        <source>附件</source>
        <translation>Attachments</translation>
    </message>
    <message>
        <source>可将日志、截图等文件拖到此处，或按 Ctrl+V 粘贴截图。</source>
        <translation>Drag logs, screenshots and other files here, or press Ctrl+V to paste a screenshot.</translation>
    </message>
    <message>
        <source>预览</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>另存为…</source>
        <translation>Save as…</translation>
    </message>
    <message>
        <source>用系统程序打开</source>
        <translation>Open with the system application</translation>
    </message>
    <message>
        <source>移除</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>剪贴板中没有图片或文件。</source>
        <translation>The clipboard holds no image or file.</translation>
    </message>
    <message>
        <source>无法预览“{0}”（{1}）：请另存为或用系统程序打开。</source>
        <translation>“{0}” cannot be previewed ({1}): save it or open it with the system application.</translation>
    </message>
    <message>
        <source>已保存到 {0}</source>
        <translation>Saved to {0}</translation>
    </message>
    <message>
        <source>正在导出“{0}”…</source>
        <translation>Exporting “{0}”…</translation>
    </message>
    <message>
        <source>“{0}”将用系统默认程序打开。来历不明的文件可能含有恶意内容，确定要打开吗？</source>
        <translation>“{0}” will be opened with the system&apos;s default application. Files of unknown origin may contain malicious content. Open it?</translation>
    </message>
    <message>
        <source>已移除“{0}”。</source>
        <translation>“{0}” removed.</translation>
    </message>
    <message>
        <source>添加附件</source>
        <translation>Attachment added</translation>
    </message>
    <message>
        <source>另存到文件夹</source>
        <translation>Save to folder</translation>
    </message>
    <message>
        <source>移除附件</source>
        <translation>Attachment removed</translation>
    </message>
    <message>
        <source>移除“{0}”的原因：</source>
        <translation>Reason for removing “{0}”:</translation>
    </message>
    <message>
        <source>添加文件（也可拖放到此处）</source>
        <translation>Add files (or drop them here)</translation>
    </message>
    <message>
        <source>粘贴剪贴板中的截图（Ctrl+V）</source>
        <translation>Paste the screenshot on the clipboard (Ctrl+V)</translation>
    </message>
</context>
<context>
    <name>AttachmentTableModel</name>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>添加人</source>
        <translation>Added by</translation>
    </message>
    <message>
        <source>添加时间</source>
        <translation>Added at</translation>
    </message>
</context>
<context>
    <name>CalendarDialog</name>
    <message>
        <source>工作日历</source>
        <translation>Working calendar</translation>
    </message>
    <message>
        <source>年份：</source>
        <translation>Year:</translation>
    </message>
    <message>
        <source>名称，例如 国庆节</source>
        <translation>Name, e.g. National Day</translation>
    </message>
    <message>
        <source>添加/修改</source>
        <translation>Add/change</translation>
    </message>
    <message>
        <source>删除所选</source>
        <translation>Delete selected</translation>
    </message>
    <message>
        <source>导入本年日历…</source>
        <translation>Import this year&apos;s calendar…</translation>
    </message>
    <message>
        <source>CSV（UTF-8 或 GBK）、Excel（.xlsx）、holiday-cn JSON 或 ICS；每行：日期,休|班,名称；导入前先预览</source>
        <translation>CSV (UTF-8 or GBK), Excel (.xlsx), holiday-cn JSON or ICS; one day a line: date, 休 (day off) | 班 (make-up working day), name; previewed before anything is replaced</translation>
    </message>
    <message>
        <source>确认本年完整</source>
        <translation>Confirm this year complete</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>从 chinesecalendar 加入 {0} 年</source>
        <translation>Add {0} from chinesecalendar</translation>
    </message>
    <message>
        <source>{0} 年：日历完整（来源：{1}）</source>
        <translation>{0}: the calendar is complete (source: {1})</translation>
    </message>
    <message>
        <source>{0} 年：估算 — 日历未包含此年，按周一至周五上班计算，相关截止时间标为“估算”。</source>
        <translation>{0}: estimated — the calendar does not cover this year; Monday to Friday count as working days and the deadlines concerned are marked “estimated”.</translation>
    </message>
    <message>
        <source>导入工作日历</source>
        <translation>Import working calendar</translation>
    </message>
    <message>
        <source>休息（节假日）</source>
        <translation>Day off (holiday)</translation>
    </message>
    <message>
        <source>上班（调休）</source>
        <translation>Working day (make-up)</translation>
    </message>
</context>
<context>
    <name>ChannelsDialog</name>
    <message>
        <source>群机器人通知渠道</source>
        <translation>Group-robot channels</translation>
    </message>
    <message>
        <source>尚无通知渠道。点“添加渠道…”粘贴群机器人的 Webhook 地址；一级故障上报与超时提醒会发到每个渠道。</source>
        <translation>No channels yet. Press “Add channel…” and paste a group robot&apos;s webhook URL; level-1 reports and breach warnings go to every channel.</translation>
    </message>
    <message>
        <source>添加渠道…</source>
        <translation>Add channel…</translation>
    </message>
    <message>
        <source>发送测试消息</source>
        <translation>Send a test message</translation>
    </message>
    <message>
        <source>删除渠道…</source>
        <translation>Remove channel…</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>通知规则</source>
        <translation>Notification rules</translation>
    </message>
    <message>
        <source>加入此规则</source>
        <translation>Add to this rule</translation>
    </message>
    <message>
        <source>移出此规则</source>
        <translation>Take out of this rule</translation>
    </message>
    <message>
        <source>所选渠道在以下时机收到通知：</source>
        <translation>The selected channel is notified on:</translation>
    </message>
    <message>
        <source>所选渠道的设置</source>
        <translation>The selected channel</translation>
    </message>
    <message>
        <source>停用后不再为此渠道排入新消息；已在发件箱中等待的消息保留，重新启用后按频率上限发出。</source>
        <translation>Switched off, the channel is given no new messages; those already waiting in the outbox stay there and go out within the rate limit once it is switched on again.</translation>
    </message>
    <message>
        <source> 条/分钟</source>
        <translation> per minute</translation>
    </message>
    <message>
        <source>每分钟上限</source>
        <translation>Messages per minute</translation>
    </message>
    <message>
        <source>每秒不限</source>
        <translation>No limit per second</translation>
    </message>
    <message>
        <source> 条/秒</source>
        <translation> per second</translation>
    </message>
    <message>
        <source>每秒上限</source>
        <translation>Messages per second</translation>
    </message>
    <message>
        <source>保存设置</source>
        <translation>Save settings</translation>
    </message>
    <message>
        <source>频率上限：</source>
        <translation>Rate limit:</translation>
    </message>
    <message>
        <source>地址中的密钥与加签密钥只保存在数据库中，任何界面都只显示掩码。消息经发件箱按各平台的频率上限发送，超出上限的消息会等待，不会丢弃。</source>
        <translation>The key in the URL and the signing secret are kept in the database only; every screen shows them masked. Messages go through the outbox within each platform&apos;s rate limit; a message over the limit waits, it is never dropped.</translation>
    </message>
    <message>
        <source>已添加渠道“{0}”（{1}）。可以点“发送测试消息”检查设置。</source>
        <translation>Channel “{0}” ({1}) added. Press “Send a test message” to check it.</translation>
    </message>
    <message>
        <source>正在向“{0}”发送测试消息…</source>
        <translation>Sending a test message to “{0}”…</translation>
    </message>
    <message>
        <source>测试消息已发送到“{0}”，平台已接收。请在群里确认收到。</source>
        <translation>The test message to “{0}” was taken by the platform. Check that it reached the group.</translation>
    </message>
    <message>
        <source>“{0}”本不在“{1}”的通知规则中，未作更改。</source>
        <translation>“{0}” was not in the rules of “{1}”; nothing changed.</translation>
    </message>
    <message>
        <source>“{0}”已在“{1}”的通知规则中（或该规则已停用），未作更改。</source>
        <translation>“{0}” is already in the rules of “{1}” (or the rule is disabled); nothing changed.</translation>
    </message>
    <message>
        <source>已把“{0}”移出“{1}”：{2} 条通知规则已更新。</source>
        <translation>“{0}” taken out of “{1}”: {2} notification rules changed.</translation>
    </message>
    <message>
        <source>已把“{0}”加入“{1}”：{2} 条通知规则已更新。</source>
        <translation>“{0}” added to “{1}”: {2} notification rules changed.</translation>
    </message>
    <message>
        <source>“{0}”的设置未变。</source>
        <translation>The settings of “{0}” were so already.</translation>
    </message>
    <message>
        <source>已停用“{0}”：不再为它排入新消息；{1} 条消息在发件箱中等待重新启用。</source>
        <translation>“{0}” switched off: no new messages are queued for it; {1} messages wait in the outbox until it is on again.</translation>
    </message>
    <message>
        <source>已保存“{0}”：启用，{1}。</source>
        <translation>“{0}” saved: on, {1}.</translation>
    </message>
    <message>
        <source>已删除渠道“{0}”：{1} 条未发送的消息标为发送失败，不再发送。</source>
        <translation>Channel “{0}” removed: {1} unsent messages marked failed, never to be sent.</translation>
    </message>
    <message>
        <source>已删除渠道“{0}”：没有未发送的消息。</source>
        <translation>Channel “{0}” removed: it had no unsent messages.</translation>
    </message>
    <message>
        <source>{0} 条/分钟</source>
        <translation>{0}/minute</translation>
    </message>
    <message>
        <source>删除渠道</source>
        <translation>Remove channel</translation>
    </message>
    <message>
        <source>，{0} 条/秒</source>
        <translation>, {0}/second</translation>
    </message>
    <message>
        <source>已加签</source>
        <translation>Signed</translation>
    </message>
    <message>
        <source>未加签</source>
        <translation>Not signed</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>删除渠道“{0}”？规则中对它的引用不再送达。</source>
        <translation>Remove the channel “{0}”? Rules naming it no longer reach it.</translation>
    </message>
    <message>
        <source>它还有 {0} 条待发送的消息，删除后这些消息标为发送失败，不再发送。</source>
        <translation>It still has {0} messages waiting; once it is removed they are marked failed and never sent.</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Webhook 地址</source>
        <translation>Webhook URL</translation>
    </message>
    <message>
        <source>加签</source>
        <translation>Signing</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>频率上限</source>
        <translation>Rate limit</translation>
    </message>
    <message>
        <source>待发送</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>发送失败</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>紧急故障上报（业务中断或一级故障）</source>
        <translation>Urgent report (business interrupted or level 1)</translation>
    </message>
    <message>
        <source>分级派单（启动通知）</source>
        <translation>Dispatch (start notice)</translation>
    </message>
    <message>
        <source>提交验证</source>
        <translation>Request verification</translation>
    </message>
    <message>
        <source>验证通过、故障解决（完成通知）</source>
        <translation>Verified and resolved (completion notice)</translation>
    </message>
    <message>
        <source>响应/恢复时限即将到期</source>
        <translation>Response/restore deadline near</translation>
    </message>
    <message>
        <source>响应/恢复已超时</source>
        <translation>Response/restore deadline missed</translation>
    </message>
    <message>
        <source>粘贴群机器人的完整 Webhook 地址（含 key=…）；企业微信机器人没有加签密钥。默认每分钟最多 20 条。</source>
        <translation>Paste the robot&apos;s whole webhook URL (with key=…); a WeCom robot has no signing secret. At most 20 messages a minute by default.</translation>
    </message>
    <message>
        <source>安全设置须选“加签”：粘贴含 access_token=… 的地址，并输入以 SEC 开头的密钥。默认每分钟最多 20 条。</source>
        <translation>Its security setting must be signing (加签): paste the URL with access_token=… and type the secret starting with SEC. At most 20 messages a minute by default.</translation>
    </message>
    <message>
        <source>粘贴机器人的 Webhook 地址；开启了“签名校验”时输入其密钥。默认每分钟 100 条、每秒 5 条。</source>
        <translation>Paste the bot&apos;s webhook URL; with signature verification on, type its secret. 100 messages a minute and 5 a second by default.</translation>
    </message>
    <message>
        <source>Desk 以 JSON 发送消息；有密钥时附 X-Desk-Signature（HMAC-SHA256）请求头。</source>
        <translation>Desk posts each message as JSON; with a secret it adds the X-Desk-Signature header (HMAC-SHA256).</translation>
    </message>
</context>
<context>
    <name>ConflictDialog</name>
    <message>
        <source>保存冲突：他人已修改此故障</source>
        <translation>Save conflict: someone else changed this fault</translation>
    </message>
    <message>
        <source>在您编辑期间，其他人保存了此故障（版本 {0} → {1}）。请逐项选择保留哪一方的内容；您输入的内容不会丢失。</source>
        <translation>While you were editing, someone else saved this fault (version {0} → {1}). Choose, field by field, whose content to keep; nothing you typed is lost.</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>我载入时</source>
        <translation>When I loaded it</translation>
    </message>
    <message>
        <source>对方（数据库中）</source>
        <translation>Theirs (in the database)</translation>
    </message>
    <message>
        <source>我的</source>
        <translation>Mine</translation>
    </message>
    <message>
        <source>选择</source>
        <translation>Choice</translation>
    </message>
    <message>
        <source>保留我的</source>
        <translation>Keep mine</translation>
    </message>
    <message>
        <source>采用对方的</source>
        <translation>Take theirs</translation>
    </message>
    <message>
        <source>全部保留我的</source>
        <translation>Keep all of mine</translation>
    </message>
    <message>
        <source>全部采用对方的</source>
        <translation>Take all of theirs</translation>
    </message>
    <message>
        <source>合并</source>
        <translation>Merge</translation>
    </message>
    <message>
        <source>按所选保存</source>
        <translation>Save as chosen</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>不保存；您的修改仍保留在表单中</source>
        <translation>Don&apos;t save; your changes stay in the form</translation>
    </message>
    <message>
        <source>双方都修改了以下字段，请逐项选择：</source>
        <translation>Both sides changed these fields; choose for each one:</translation>
    </message>
    <message>
        <source>请为以下字段选择保留哪一方（或点“合并”）：</source>
        <translation>Choose which side to keep for these fields (or click “Merge”):</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <source>受影响业务（前 {0} 名）</source>
        <translation>Affected business (top {0})</translation>
    </message>
    <message>
        <source>按等级</source>
        <translation>By level</translation>
    </message>
    <message>
        <source>按类型</source>
        <translation>By type</translation>
    </message>
    <message>
        <source>按状态</source>
        <translation>By state</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>故障数</source>
        <translation>Faults</translation>
    </message>
    <message>
        <source>占比%</source>
        <translation>Share %</translation>
    </message>
    <message>
        <source>受影响业务</source>
        <translation>Affected business</translation>
    </message>
    <message>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <source>周</source>
        <translation>Week</translation>
    </message>
    <message>
        <source>周一</source>
        <translation>Monday</translation>
    </message>
    <message>
        <source>一级</source>
        <translation>Level 1</translation>
    </message>
    <message>
        <source>二级</source>
        <translation>Level 2</translation>
    </message>
    <message>
        <source>三级</source>
        <translation>Level 3</translation>
    </message>
    <message>
        <source>响应</source>
        <translation>Respond</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>解决</source>
        <translation>Resolve</translation>
    </message>
    <message>
        <source>响应时限达成（按等级）</source>
        <translation>Respond deadlines met (by level)</translation>
    </message>
    <message>
        <source>恢复时限达成（按等级）</source>
        <translation>Restore deadlines met (by level)</translation>
    </message>
    <message>
        <source>处理用时（分钟，自上报起）</source>
        <translation>Handling time (minutes since the report)</translation>
    </message>
    <message>
        <source>每周趋势（ISO 周）</source>
        <translation>Weekly trend (ISO weeks)</translation>
    </message>
    <message>
        <source>验证结果</source>
        <translation>Verification</translation>
    </message>
    <message>
        <source>指标</source>
        <translation>Measure</translation>
    </message>
    <message>
        <source>数值</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>样本数</source>
        <translation>Samples</translation>
    </message>
    <message>
        <source>平均</source>
        <translation>Mean</translation>
    </message>
    <message>
        <source>计入数</source>
        <translation>Counted</translation>
    </message>
    <message>
        <source>达标</source>
        <translation>Met</translation>
    </message>
    <message>
        <source>达标%</source>
        <translation>Met %</translation>
    </message>
    <message>
        <source>超时完成</source>
        <translation>Met late</translation>
    </message>
    <message>
        <source>超时完成%</source>
        <translation>Met late %</translation>
    </message>
    <message>
        <source>已超时未完成</source>
        <translation>Breached, open</translation>
    </message>
    <message>
        <source>已超时未完成%</source>
        <translation>Breached, open %</translation>
    </message>
    <message>
        <source>计时中</source>
        <translation>Running</translation>
    </message>
    <message>
        <source>计时中%</source>
        <translation>Running %</translation>
    </message>
    <message>
        <source>经过验证的故障</source>
        <translation>Faults verified</translation>
    </message>
    <message>
        <source>验证次数</source>
        <translation>Verifications</translation>
    </message>
    <message>
        <source>验证未通过次数</source>
        <translation>Verifications failed</translation>
    </message>
    <message>
        <source>验证未通过率%</source>
        <translation>Verifications failed %</translation>
    </message>
    <message>
        <source>曾验证未通过的故障</source>
        <translation>Faults that failed a verification</translation>
    </message>
    <message>
        <source>曾验证未通过的故障占比%</source>
        <translation>Faults that failed a verification %</translation>
    </message>
    <message>
        <source>一级 紧急</source>
        <translation>1 Urgent</translation>
    </message>
    <message>
        <source>二级 重要</source>
        <translation>2 Important</translation>
    </message>
    <message>
        <source>三级 一般</source>
        <translation>3 General</translation>
    </message>
    <message>
        <source>系统缺陷</source>
        <translation>System bug</translation>
    </message>
    <message>
        <source>功能/应用</source>
        <translation>Function / application</translation>
    </message>
    <message>
        <source>数据</source>
        <translation>Data</translation>
    </message>
    <message>
        <source>网络</source>
        <translation>Network</translation>
    </message>
    <message>
        <source>硬件</source>
        <translation>Hardware</translation>
    </message>
    <message>
        <source>配置</source>
        <translation>Configuration</translation>
    </message>
    <message>
        <source>用户操作</source>
        <translation>User operation</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>待受理</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>研判中</source>
        <translation>Triage</translation>
    </message>
    <message>
        <source>处理中</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <source>分析中</source>
        <translation>Diagnosing</translation>
    </message>
    <message>
        <source>方案待确认</source>
        <translation>Solution proposed</translation>
    </message>
    <message>
        <source>实施中</source>
        <translation>Implementing</translation>
    </message>
    <message>
        <source>待验证</source>
        <translation>Verifying</translation>
    </message>
    <message>
        <source>已解决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>已归档</source>
        <translation>Archived</translation>
    </message>
    <message>
        <source>已撤销</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>计时暂停</source>
        <translation>Paused clocks</translation>
    </message>
    <message>
        <source>暂停过的故障</source>
        <translation>Faults paused</translation>
    </message>
    <message>
        <source>暂停次数</source>
        <translation>Pauses</translation>
    </message>
    <message>
        <source>暂停总时长（分钟）</source>
        <translation>Paused time in all (minutes)</translation>
    </message>
    <message>
        <source>平均暂停时长（分钟，每个暂停过的故障）</source>
        <translation>Mean paused time (minutes, per fault paused)</translation>
    </message>
</context>
<context>
    <name>DashboardWindow</name>
    <message>
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <source>统计期间：</source>
        <translation>Period:</translation>
    </message>
    <message>
        <source>本周</source>
        <translation>This week</translation>
    </message>
    <message>
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>最近 30 天</source>
        <translation>Last 30 days</translation>
    </message>
    <message>
        <source>自定义</source>
        <translation>Custom</translation>
    </message>
    <message>
        <source>从</source>
        <translation>From</translation>
    </message>
    <message>
        <source>到</source>
        <translation>To</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>导出 CSV</source>
        <translation>Export CSV</translation>
    </message>
    <message>
        <source>导出 Excel</source>
        <translation>Export Excel</translation>
    </message>
    <message>
        <source>导出 PDF</source>
        <translation>Export PDF</translation>
    </message>
    <message>
        <source>按等级</source>
        <translation>By level</translation>
    </message>
    <message>
        <source>按类型</source>
        <translation>By type</translation>
    </message>
    <message>
        <source>时限达成</source>
        <translation>Deadlines met</translation>
    </message>
    <message>
        <source>每周趋势</source>
        <translation>Weekly trend</translation>
    </message>
    <message>
        <source>受影响业务</source>
        <translation>Affected business</translation>
    </message>
    <message>
        <source>按状态</source>
        <translation>By status</translation>
    </message>
    <message>
        <source>处理用时</source>
        <translation>Handling time</translation>
    </message>
    <message>
        <source>验证结果</source>
        <translation>Verification results</translation>
    </message>
    <message>
        <source>{0} 至 {1}</source>
        <translation>{0} to {1}</translation>
    </message>
    <message>
        <source>统计期间 {0}（{1}）&#x3000;故障总数 {2}</source>
        <translation>Period {0} ({1})   faults in all: {2}</translation>
    </message>
    <message>
        <source>按等级（故障数）</source>
        <translation>By level (faults)</translation>
    </message>
    <message>
        <source>{0}：{1}</source>
        <translation>{0}: {1}</translation>
    </message>
    <message>
        <source>按类型（故障数）</source>
        <translation>By type (faults)</translation>
    </message>
    <message>
        <source>故障数</source>
        <translation>Faults</translation>
    </message>
    <message>
        <source>时限达成率（%）</source>
        <translation>Deadlines met (%)</translation>
    </message>
    <message>
        <source>响应达标%</source>
        <translation>Response met %</translation>
    </message>
    <message>
        <source>恢复达标%</source>
        <translation>Restore met %</translation>
    </message>
    <message>
        <source>受影响业务（故障数）</source>
        <translation>Affected business (faults)</translation>
    </message>
    <message>
        <source>每周趋势（故障数）</source>
        <translation>Weekly trend (faults)</translation>
    </message>
    <message>
        <source>导出统计</source>
        <translation>Export statistics</translation>
    </message>
</context>
<context>
    <name>DeadlineExplain</name>
    <message>
        <source>周一</source>
        <translation>Mon</translation>
    </message>
    <message>
        <source>周二</source>
        <translation>Tue</translation>
    </message>
    <message>
        <source>周三</source>
        <translation>Wed</translation>
    </message>
    <message>
        <source>周四</source>
        <translation>Thu</translation>
    </message>
    <message>
        <source>周五</source>
        <translation>Fri</translation>
    </message>
    <message>
        <source>周六</source>
        <translation>Sat</translation>
    </message>
    <message>
        <source>周日</source>
        <translation>Sun</translation>
    </message>
    <message>
        <source>全天候计时</source>
        <translation>on the clock (24×7)</translation>
    </message>
    <message>
        <source>按工作日计时</source>
        <translation>on working days</translation>
    </message>
    <message>
        <source>按值班时间计时</source>
        <translation>in duty hours</translation>
    </message>
    <message>
        <source>响应</source>
        <translation>Response</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>暂停中</source>
        <translation>still paused</translation>
    </message>
    <message>
        <source>&lt;b&gt;{0}&lt;/b&gt; {1}，截止 {2}，计入 {3}</source>
        <translation>&lt;b&gt;{0}&lt;/b&gt; {1}, due {2}, {3} counted</translation>
    </message>
    <message>
        <source>值班时间（工作日）：{0}</source>
        <translation>Duty hours (working days): {0}</translation>
    </message>
    <message>
        <source>暂停 {0} – {1}：{2}（{3}）</source>
        <translation>Paused {0} – {1}: {2} ({3})</translation>
    </message>
</context>
<context>
    <name>Documents</name>
    <message>
        <source>缩小（Ctrl+滚轮）</source>
        <translation>Zoom out (Ctrl+wheel)</translation>
    </message>
    <message>
        <source>放大（Ctrl+滚轮）</source>
        <translation>Zoom in (Ctrl+wheel)</translation>
    </message>
    <message>
        <source>适合宽度</source>
        <translation>Fit width</translation>
    </message>
    <message>
        <source>页面宽度与窗口一致</source>
        <translation>Make the page as wide as the window</translation>
    </message>
    <message>
        <source>实际大小</source>
        <translation>Actual size</translation>
    </message>
    <message>
        <source>按 100% 显示</source>
        <translation>Show at 100%</translation>
    </message>
    <message>
        <source>正在生成文档…</source>
        <translation>Generating the document…</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>打印（Ctrl+P）</source>
        <translation>Print (Ctrl+P)</translation>
    </message>
    <message>
        <source>另存为 PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <source>另存为 PDF（Ctrl+S）</source>
        <translation>Save as PDF (Ctrl+S)</translation>
    </message>
    <message>
        <source>故障复盘报告</source>
        <translation>Post-incident review</translation>
    </message>
    <message>
        <source>分级派单后才能出具启动通知。</source>
        <translation>The start notice comes after grading and dispatch.</translation>
    </message>
    <message>
        <source>分级派单后才能打印空白验证表。</source>
        <translation>The blank verification form comes after grading and dispatch.</translation>
    </message>
    <message>
        <source>故障复盘报告用于一级、二级故障。</source>
        <translation>The post-incident review is for level-1 and level-2 faults.</translation>
    </message>
    <message>
        <source>故障已撤销。</source>
        <translation>The fault was cancelled.</translation>
    </message>
    <message>
        <source>进入原因分析后才能出具分析报告。</source>
        <translation>The analysis report comes once the cause is being analysed.</translation>
    </message>
    <message>
        <source>验证通过、故障解决后才能出具故障复盘报告。</source>
        <translation>The post-incident review comes once the fault is verified and resolved.</translation>
    </message>
    <message>
        <source>验证通过、故障解决后才能发送完成通知。</source>
        <translation>The completion notice goes out once the fault is verified and resolved.</translation>
    </message>
    <message>
        <source>验证通过后才能打印填好的验证结果表。</source>
        <translation>The filled-in verification form comes after a passed verification.</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>另存为 PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>正在打印…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <source>已签发并记录。</source>
        <translation>Issued and recorded.</translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>Desk</translation>
    </message>
    <message>
        <source>例如：客户服务部、总经理办公室</source>
        <translation>e.g. Customer Service、General Manager&apos;s Office</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>文档(&amp;D)</source>
        <translation>&amp;Documents</translation>
    </message>
    <message>
        <source>批量导出文档</source>
        <translation>Export documents in bulk</translation>
    </message>
    <message>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>%v / %m 个故障</source>
        <translation>%v / %m faults</translation>
    </message>
    <message>
        <source>未能导出：</source>
        <translation>Could not export:</translation>
    </message>
    <message>
        <source>打开文件夹</source>
        <translation>Open folder</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>选择导出文件夹</source>
        <translation>Choose the export folder</translation>
    </message>
    <message>
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <source>预览与打印…</source>
        <translation>Preview and print…</translation>
    </message>
    <message>
        <source>预览所选故障当前最相关的文档（Ctrl+P）</source>
        <translation>Preview the most relevant document for the selected fault now (Ctrl+P)</translation>
    </message>
    <message>
        <source>批量导出…</source>
        <translation>Export in bulk…</translation>
    </message>
    <message>
        <source>第</source>
        <translation>Page</translation>
    </message>
    <message>
        <source>页</source>
        <translation> </translation>
    </message>
    <message>
        <source>签发…</source>
        <translation>Issue…</translation>
    </message>
    <message>
        <source>发送…</source>
        <translation>Send…</translation>
    </message>
    <message>
        <source>无法生成文档：</source>
        <translation>The document could not be generated: </translation>
    </message>
    <message>
        <source>无法显示页面：</source>
        <translation>The page cannot be shown: </translation>
    </message>
    <message>
        <source>已保存：</source>
        <translation>Saved: </translation>
    </message>
    <message>
        <source>发送对象（勾选部门）：</source>
        <translation>Recipients (tick the departments):</translation>
    </message>
    <message>
        <source>其他发送对象（用“、”分隔）：</source>
        <translation>Other recipients (separated by “、”):</translation>
    </message>
    <message>
        <source>签发</source>
        <translation>Issue</translation>
    </message>
    <message>
        <source>发送</source>
        <translation>Send</translation>
    </message>
    <message>
        <source>导出哪些文档：</source>
        <translation>Documents to export:</translation>
    </message>
    <message>
        <source>保存到：</source>
        <translation>Save to:</translation>
    </message>
    <message>
        <source>正在取消…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>已导出 {0} 个文件</source>
        <translation>{0} file(s) exported</translation>
    </message>
    <message>
        <source>。</source>
        <translation>.</translation>
    </message>
    <message>
        <source>请先在列表中选择一个故障。</source>
        <translation>Select a fault in the list first.</translation>
    </message>
    <message>
        <source>请先在列表中选择要导出的故障。</source>
        <translation>Select the faults to export in the list first.</translation>
    </message>
    <message>
        <source>第 {0} 页</source>
        <translation>Page {0}</translation>
    </message>
    <message>
        <source>转到第 {0} 页</source>
        <translation>Go to page {0}</translation>
    </message>
    <message>
        <source>/ 共 {0} 页</source>
        <translation>/ {0} pages</translation>
    </message>
    <message>
        <source>无法生成文档（{0}），详情已写入日志。</source>
        <translation>The document could not be generated ({0}); the details were written to the log.</translation>
    </message>
    <message>
        <source>已发送到打印机：{0} 页</source>
        <translation>Sent to the printer: {0} page(s)</translation>
    </message>
    <message>
        <source>出现意外错误（{0}），详情已写入日志。</source>
        <translation>An unexpected error occurred ({0}); the details were written to the log.</translation>
    </message>
    <message>
        <source>已选择 {0} 个故障。</source>
        <translation>{0} fault(s) selected.</translation>
    </message>
    <message>
        <source>，{0} 个失败</source>
        <translation>, {0} failed</translation>
    </message>
    <message>
        <source>，{0} 份因状态不适用而跳过</source>
        <translation>, {0} skipped as not applicable to the state</translation>
    </message>
    <message>
        <source>只有{0}可以签发。</source>
        <translation>Only the {0} may issue this.</translation>
    </message>
    <message>
        <source>正在导出：{0}（{1}/{2}）</source>
        <translation>Exporting: {0} ({1}/{2})</translation>
    </message>
    <message>
        <source>不适用于故障当前状态或等级的文档会被跳过。</source>
        <translation>Documents that do not apply to a fault&apos;s current state or level are skipped.</translation>
    </message>
    <message>
        <source>已取消（处理了 {0}/{1} 个故障）。</source>
        <translation>Cancelled ({0}/{1} faults processed).</translation>
    </message>
    <message>
        <source>无法创建文件夹 {0}：{1}</source>
        <translation>Cannot create the folder {0}: {1}</translation>
    </message>
    <message>
        <source>{0}：无法写入（{1}）</source>
        <translation>{0}: cannot be written ({1})</translation>
    </message>
    <message>
        <source>{0}：无法生成文档（{1}），详情已写入日志</source>
        <translation>{0}: the document could not be generated ({1}); the details were written to the log</translation>
    </message>
    <message>
        <source>故障处理启动通知</source>
        <translation>Fault handling start notice</translation>
    </message>
    <message>
        <source>故障原因分析报告</source>
        <translation>Fault cause analysis report</translation>
    </message>
    <message>
        <source>故障验证结果表</source>
        <translation>Fault verification form</translation>
    </message>
    <message>
        <source>故障验证结果表（空白）</source>
        <translation>Fault verification form (blank)</translation>
    </message>
    <message>
        <source>故障处理完成通知</source>
        <translation>Fault handling completion notice</translation>
    </message>
    <message>
        <source>技术故障反馈与处理记录表</source>
        <translation>Technical fault report and handling record</translation>
    </message>
    <message>
        <source>处理总结</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>故障如何处理、结果如何</source>
        <translation>How the fault was handled, and with what result</translation>
    </message>
    <message>
        <source>请填写处理总结：完成通知须写明故障如何处理、结果如何。</source>
        <translation>Write the summary: the completion notice must say how the fault was handled and with what result.</translation>
    </message>
    <message>
        <source>处理总结（将写入完成通知）：</source>
        <translation>Summary (goes into the completion notice):</translation>
    </message>
    <message>
        <source>已发送并记录。</source>
        <translation>Sent and recorded.</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
</context>
<context>
    <name>DutyHoursDialog</name>
    <message>
        <source>出现了意外错误，详情已写入日志。</source>
        <translation>An unexpected error occurred; the details were written to the log.</translation>
    </message>
    <message>
        <source>值班时间</source>
        <translation>Duty hours</translation>
    </message>
    <message>
        <source>工作日的值班时段，以空格分隔，例如 08:30-12:00 13:30-17:30。按值班时间计时的时限只计算这些时段；“4 个工作日”即 4 个完整的值班日。保存后所有未关闭故障的截止时间将重新计算。</source>
        <translation>The duty periods of each working day, separated by spaces, e.g. 08:30-12:00 13:30-17:30. Limits counted in duty hours count only these periods; &quot;4 working days&quot; is four full duty days. Saving recomputes the deadlines of every open fault.</translation>
    </message>
    <message>
        <source>值班时段</source>
        <translation>Duty periods</translation>
    </message>
</context>
<context>
    <name>EntryEditDialog</name>
    <message>
        <source>修改知识库条目</source>
        <translation>Edit knowledge base entry</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>（您输入的内容仍保留在此，可复制后重新打开条目。）</source>
        <translation>(What you typed is still here; you can copy it and open the entry again.)</translation>
    </message>
    <message>
        <source>保存失败（内部错误，已记录日志）：</source>
        <translation>Saving failed (internal error, logged): </translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <source>创建首个管理员</source>
        <translation>Create the first administrator</translation>
    </message>
    <message>
        <source>这个数据库中还没有任何人员。请创建第一个管理员账户，之后由管理员在“管理 → 人员与角色”中添加其他人员。</source>
        <translation>This database has no people yet. Create the first administrator account; the administrator then adds everyone else under “Admin → People and roles”.</translation>
    </message>
    <message>
        <source>工号：</source>
        <translation>Employee no.:</translation>
    </message>
    <message>
        <source>姓名：</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>密码：</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>再次输入密码：</source>
        <translation>Password again:</translation>
    </message>
    <message>
        <source>创建并登录</source>
        <translation>Create and sign in</translation>
    </message>
    <message>
        <source>两次输入的密码不一致。</source>
        <translation>The two passwords do not match.</translation>
    </message>
</context>
<context>
    <name>ImagePreviewDialog</name>
    <message>
        <source>正在加载…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>IncidentWindow</name>
    <message>
        <source>重大故障看板</source>
        <translation>Major incident</translation>
    </message>
    <message>
        <source>职责</source>
        <translation>Duty</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>联系方式</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>操作人</source>
        <translation>By</translation>
    </message>
    <message>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>应急小组</source>
        <translation>Emergency team</translation>
    </message>
    <message>
        <source>尚未组成应急小组：分级派单时指定总协调人与小组成员。</source>
        <translation>No emergency team yet: grading and dispatch name the coordinator and the members.</translation>
    </message>
    <message>
        <source>时间线</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <source>发布进展通报（发给相关部门负责人、处理小组和报告人）</source>
        <translation>Broadcast an update (to the heads of the departments involved, the team and the reporter)</translation>
    </message>
    <message>
        <source>例如：已切换至备用数据库，下单功能恢复，继续观察。</source>
        <translation>e.g. Switched to the standby database; ordering works again; watching.</translation>
    </message>
    <message>
        <source>另抄送的邮件地址（可选，逗号分隔），例如群组邮箱</source>
        <translation>Also send to these addresses (optional, comma-separated), e.g. a group mailbox</translation>
    </message>
    <message>
        <source>发布通报</source>
        <translation>Broadcast</translation>
    </message>
    <message>
        <source>响应与恢复时限均已完成。</source>
        <translation>Both clocks have stopped.</translation>
    </message>
    <message>
        <source>响应</source>
        <translation>Respond</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>下一时限：{0} {1}（已超时 {2}）</source>
        <translation>Next deadline: {0} {1} (late by {2})</translation>
    </message>
    <message>
        <source>下一时限：{0} {1}（剩余 {2}）</source>
        <translation>Next deadline: {0} {1} ({2} left)</translation>
    </message>
    <message>
        <source>出现了意外错误，详情已写入日志。</source>
        <translation>An unexpected error occurred; the details were written to the log.</translation>
    </message>
</context>
<context>
    <name>ItemsTable</name>
    <message>
        <source>项</source>
        <translation>Item</translation>
    </message>
    <message>
        <source>预期</source>
        <translation>Expected</translation>
    </message>
    <message>
        <source>实际</source>
        <translation>Actual</translation>
    </message>
    <message>
        <source>结果</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>通过</source>
        <translation>Passed</translation>
    </message>
    <message>
        <source>不通过</source>
        <translation>Failed</translation>
    </message>
</context>
<context>
    <name>KBResultsModel</name>
    <message>
        <source>方案</source>
        <translation>Solution</translation>
    </message>
</context>
<context>
    <name>KnowledgeBaseDialog</name>
    <message>
        <source>知识库</source>
        <translation>Knowledge base</translation>
    </message>
    <message>
        <source>搜索故障现象、原因、方案，例如：提交订单 500</source>
        <translation>Search phenomena, causes, solutions, e.g. 提交订单 500</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>全部业务</source>
        <translation>All businesses</translation>
    </message>
    <message>
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>关键词</source>
        <translation>Keywords</translation>
    </message>
    <message>
        <source>输入关键词搜索已归档故障的经验（中文无需空格）。</source>
        <translation>Type keywords to search what archived faults taught (Chinese needs no spaces).</translation>
    </message>
    <message>
        <source>修改条目…</source>
        <translation>Edit entry…</translation>
    </message>
    <message>
        <source>支持组长、技术总监或系统管理员可修改，修改历史会保留。</source>
        <translation>The support lead, the technical director or an administrator may edit; the history of changes is kept.</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>正在搜索…</source>
        <translation>Searching…</translation>
    </message>
    <message numerus="yes">
        <source>找到 %n 条（按相关度排序）</source>
        <translation>
            <numerusform>%n entry found (by relevance)</numerusform>
            <numerusform>%n entries found (by relevance)</numerusform>
        </translation>
    </message>
    <message>
        <source>没有找到匹配的条目。</source>
        <translation>No matching entries.</translation>
    </message>
    <message>
        <source>搜索失败：</source>
        <translation>Search failed: </translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>一级 紧急</source>
        <translation>1 Urgent</translation>
    </message>
    <message>
        <source>二级 重要</source>
        <translation>2 Important</translation>
    </message>
    <message>
        <source>三级 一般</source>
        <translation>3 General</translation>
    </message>
    <message>
        <source>系统缺陷</source>
        <translation>System bug</translation>
    </message>
    <message>
        <source>功能/应用</source>
        <translation>Function / application</translation>
    </message>
    <message>
        <source>数据</source>
        <translation>Data</translation>
    </message>
    <message>
        <source>网络</source>
        <translation>Network</translation>
    </message>
    <message>
        <source>硬件</source>
        <translation>Hardware</translation>
    </message>
    <message>
        <source>配置</source>
        <translation>Configuration</translation>
    </message>
    <message>
        <source>用户操作</source>
        <translation>User operation</translation>
    </message>
    <message>
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <source>待受理</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>研判中</source>
        <translation>Triage</translation>
    </message>
    <message>
        <source>处理中</source>
        <translation>Dispatched</translation>
    </message>
    <message>
        <source>分析中</source>
        <translation>Diagnosing</translation>
    </message>
    <message>
        <source>方案待确认</source>
        <translation>Solution proposed</translation>
    </message>
    <message>
        <source>实施中</source>
        <translation>Implementing</translation>
    </message>
    <message>
        <source>待验证</source>
        <translation>Verifying</translation>
    </message>
    <message>
        <source>已解决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>已归档</source>
        <translation>Archived</translation>
    </message>
    <message>
        <source>已撤销</source>
        <translation>Cancelled</translation>
    </message>
    <message>
        <source>报告人</source>
        <translation>Reporter</translation>
    </message>
    <message>
        <source>值班技术支持</source>
        <translation>On-duty support</translation>
    </message>
    <message>
        <source>技术支持主管</source>
        <translation>Support lead</translation>
    </message>
    <message>
        <source>技术总监</source>
        <translation>Technical director</translation>
    </message>
    <message>
        <source>工程师</source>
        <translation>Engineer</translation>
    </message>
    <message>
        <source>业务确认人</source>
        <translation>Business confirmer</translation>
    </message>
    <message>
        <source>验证人</source>
        <translation>Verifier</translation>
    </message>
    <message>
        <source>管理员</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>总协调人</source>
        <translation>Coordinator</translation>
    </message>
    <message>
        <source>主责工程师</source>
        <translation>Lead engineer</translation>
    </message>
    <message>
        <source>模块负责工程师</source>
        <translation>Module engineer</translation>
    </message>
    <message>
        <source>运维</source>
        <translation>Operations</translation>
    </message>
    <message>
        <source>开发</source>
        <translation>Development</translation>
    </message>
    <message>
        <source>数据库</source>
        <translation>Database</translation>
    </message>
    <message>
        <source>成员</source>
        <translation>Member</translation>
    </message>
    <message>
        <source>业务对接人</source>
        <translation>Business contact</translation>
    </message>
    <message>
        <source>系统日志</source>
        <translation>System log</translation>
    </message>
    <message>
        <source>错误截图</source>
        <translation>Error screenshot</translation>
    </message>
    <message>
        <source>数据库报错</source>
        <translation>Database error</translation>
    </message>
    <message>
        <source>用户操作记录</source>
        <translation>User action record</translation>
    </message>
    <message>
        <source>服务器监控数据</source>
        <translation>Server monitoring data</translation>
    </message>
    <message>
        <source>录屏</source>
        <translation>Screen recording</translation>
    </message>
    <message>
        <source>计时中</source>
        <translation>Running</translation>
    </message>
    <message>
        <source>即将超时</source>
        <translation>Due soon</translation>
    </message>
    <message>
        <source>已超时</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>已达成</source>
        <translation>Met</translation>
    </message>
    <message>
        <source>超时完成</source>
        <translation>Met late</translation>
    </message>
    <message>
        <source>已暂停</source>
        <translation>Paused</translation>
    </message>
    <message>
        <source>受理研判</source>
        <translation>Acknowledge and triage</translation>
    </message>
    <message>
        <source>首次联系情况</source>
        <translation>First contact</translation>
    </message>
    <message>
        <source>故障类型</source>
        <translation>Fault type</translation>
    </message>
    <message>
        <source>故障等级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>确认的细节</source>
        <translation>Confirmed details</translation>
    </message>
    <message>
        <source>能否复现</source>
        <translation>Reproducible</translation>
    </message>
    <message>
        <source>初步排查结果</source>
        <translation>First investigation</translation>
    </message>
    <message>
        <source>现场解决</source>
        <translation>Solved on the spot</translation>
    </message>
    <message>
        <source>指导或远程处理措施</source>
        <translation>Guidance or remote fix</translation>
    </message>
    <message>
        <source>分级派单</source>
        <translation>Grade and dispatch</translation>
    </message>
    <message>
        <source>总协调人（一级）</source>
        <translation>Coordinator (level 1)</translation>
    </message>
    <message>
        <source>主责工程师（二级）</source>
        <translation>Lead engineer (level 2)</translation>
    </message>
    <message>
        <source>模块工程师（三级）</source>
        <translation>Module engineer (level 3)</translation>
    </message>
    <message>
        <source>处理小组成员</source>
        <translation>Team members</translation>
    </message>
    <message>
        <source>预计完成时间</source>
        <translation>Expected completion</translation>
    </message>
    <message>
        <source>配合要求</source>
        <translation>Cooperation required</translation>
    </message>
    <message>
        <source>提交原因分析</source>
        <translation>Submit cause analysis</translation>
    </message>
    <message>
        <source>根本原因</source>
        <translation>Root cause</translation>
    </message>
    <message>
        <source>影响评估</source>
        <translation>Impact assessment</translation>
    </message>
    <message>
        <source>深层原因</source>
        <translation>Underlying cause</translation>
    </message>
    <message>
        <source>复现条件</source>
        <translation>Conditions to reproduce</translation>
    </message>
    <message>
        <source>证据清单</source>
        <translation>Evidence list</translation>
    </message>
    <message>
        <source>需要原因分析报告</source>
        <translation>Analysis report required</translation>
    </message>
    <message>
        <source>提交方案</source>
        <translation>Propose solution</translation>
    </message>
    <message>
        <source>长期解决方案</source>
        <translation>Long-term solution</translation>
    </message>
    <message>
        <source>临时解决方案</source>
        <translation>Temporary solution</translation>
    </message>
    <message>
        <source>业务确认</source>
        <translation>Business confirmation</translation>
    </message>
    <message>
        <source>技术审批</source>
        <translation>Technical approval</translation>
    </message>
    <message>
        <source>记录实施步骤</source>
        <translation>Record implementation step</translation>
    </message>
    <message>
        <source>实施内容</source>
        <translation>What was done</translation>
    </message>
    <message>
        <source>实施后状态</source>
        <translation>State after</translation>
    </message>
    <message>
        <source>记录恢复/临时方案</source>
        <translation>Record restore / workaround</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Description</translation>
    </message>
    <message>
        <source>提交验证</source>
        <translation>Request verification</translation>
    </message>
    <message>
        <source>验证</source>
        <translation>Verify</translation>
    </message>
    <message>
        <source>验证结论</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>验证环境</source>
        <translation>Environment</translation>
    </message>
    <message>
        <source>验证内容</source>
        <translation>What was checked</translation>
    </message>
    <message>
        <source>验证项</source>
        <translation>Checked items</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Remarks</translation>
    </message>
    <message>
        <source>归档</source>
        <translation>Archive</translation>
    </message>
    <message>
        <source>故障总结</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>预防措施</source>
        <translation>Prevention measures</translation>
    </message>
    <message>
        <source>撤销</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>暂停计时</source>
        <translation>Pause the clocks</translation>
    </message>
    <message>
        <source>暂停原因（如等待报告人、等待厂商、等待变更窗口）</source>
        <translation>Reason (e.g. awaiting the reporter, a vendor, a change window)</translation>
    </message>
    <message>
        <source>恢复计时</source>
        <translation>Resume the clocks</translation>
    </message>
    <message>
        <source>调整等级</source>
        <translation>Change level</translation>
    </message>
    <message>
        <source>故障上报</source>
        <translation>Fault reported</translation>
    </message>
    <message>
        <source>修改记录</source>
        <translation>Record edited</translation>
    </message>
    <message>
        <source>添加附件</source>
        <translation>Attachment added</translation>
    </message>
    <message>
        <source>移除附件</source>
        <translation>Attachment removed</translation>
    </message>
    <message>
        <source>发出启动通知</source>
        <translation>Start notice issued</translation>
    </message>
    <message>
        <source>发出完成通知</source>
        <translation>Completion notice issued</translation>
    </message>
    <message>
        <source>相关</source>
        <translation>Related to</translation>
    </message>
    <message>
        <source>由其引起</source>
        <translation>Caused by</translation>
    </message>
    <message>
        <source>重复</source>
        <translation>Duplicate of</translation>
    </message>
    <message>
        <source>引起</source>
        <translation>Causes</translation>
    </message>
    <message>
        <source>重复，已合并至</source>
        <translation>Duplicate of</translation>
    </message>
    <message>
        <source>重复故障（已合并）</source>
        <translation>Duplicate (merged)</translation>
    </message>
    <message>
        <source>已知错误</source>
        <translation>Known error</translation>
    </message>
    <message>
        <source>未完成</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>已完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>满意度（1–5）</source>
        <translation>Satisfaction (1–5)</translation>
    </message>
    <message>
        <source>评价意见</source>
        <translation>Comment on the handling</translation>
    </message>
    <message>
        <source>问题标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>现象</source>
        <translation>Symptom</translation>
    </message>
    <message>
        <source>临时方案</source>
        <translation>Workaround</translation>
    </message>
    <message>
        <source>永久解决方案</source>
        <translation>Permanent fix</translation>
    </message>
    <message>
        <source>受影响业务</source>
        <translation>Affected business</translation>
    </message>
    <message>
        <source>负责人</source>
        <translation>Owner</translation>
    </message>
    <message>
        <source>发布进展通报</source>
        <translation>Update broadcast</translation>
    </message>
    <message>
        <source>关联故障</source>
        <translation>Link faults</translation>
    </message>
    <message>
        <source>被关联</source>
        <translation>Linked from</translation>
    </message>
    <message>
        <source>取消关联</source>
        <translation>Unlink</translation>
    </message>
    <message>
        <source>合并为重复故障</source>
        <translation>Merged as duplicate</translation>
    </message>
    <message>
        <source>合并重复故障</source>
        <translation>Duplicate merged in</translation>
    </message>
    <message>
        <source>关联问题</source>
        <translation>Problem linked</translation>
    </message>
    <message>
        <source>安排整改措施</source>
        <translation>Action planned</translation>
    </message>
    <message>
        <source>完成整改措施</source>
        <translation>Action done</translation>
    </message>
    <message>
        <source>发送完成通知</source>
        <translation>Completion notice sent</translation>
    </message>
    <message>
        <source>签发启动通知</source>
        <translation>Start notice issued</translation>
    </message>
    <message>
        <source>调整处理小组</source>
        <translation>Team changed</translation>
    </message>
    <message>
        <source>意见</source>
        <translation>Comment</translation>
    </message>
    <message>
        <source>驳回</source>
        <translation>Send back</translation>
    </message>
    <message>
        <source>驳回理由</source>
        <translation>Reason for sending back</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
</context>
<context>
    <name>LimitsDialog</name>
    <message>
        <source>故障等级时限</source>
        <translation>Time limits by level</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>响应时限</source>
        <translation>Response limit</translation>
    </message>
    <message>
        <source>恢复/解决时限</source>
        <translation>Restore/resolve limit</translation>
    </message>
    <message>
        <source>“按工作日计时”只计算工作日的时间（周末与法定节假日不计，调休上班日计入），一天按 24 小时计；“按值班时间计时”只计算工作日的值班时段，一天即一个完整的值班日。修改后所有未关闭故障的截止时间将重新计算。</source>
        <translation>&quot;On working days&quot; counts only working-day time (weekends and public holidays do not count, make-up working days do), 24 hours a day; &quot;in duty hours&quot; counts only the duty periods of working days, a day being one full duty day. Saving recomputes the deadlines of every open fault.</translation>
    </message>
    <message>
        <source>{0}：恢复时限不能短于响应时限。</source>
        <translation>{0}: the restore limit cannot be shorter than the response limit.</translation>
    </message>
    <message>
        <source>{0}：时限不能超过 10 年。</source>
        <translation>{0}: a limit cannot exceed 10 years.</translation>
    </message>
</context>
<context>
    <name>LinksDialog</name>
    <message>
        <source>关联故障 — {0}</source>
        <translation>Linked faults — {0}</translation>
    </message>
    <message>
        <source>关联的故障</source>
        <translation>Linked faults</translation>
    </message>
    <message>
        <source>关系</source>
        <translation>Relation</translation>
    </message>
    <message>
        <source>故障编号</source>
        <translation>Fault number</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>受影响业务</source>
        <translation>Affected business</translation>
    </message>
    <message>
        <source>合并进来的重复故障（报告人、证据和事件仍可查看）</source>
        <translation>Duplicates merged into this fault (their reporter, evidence and events stay readable)</translation>
    </message>
    <message>
        <source>报告人</source>
        <translation>Reporter</translation>
    </message>
    <message>
        <source>上报时间</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>附件</source>
        <translation>Attachments</translation>
    </message>
    <message>
        <source>事件</source>
        <translation>Events</translation>
    </message>
    <message>
        <source>故障编号，或从列表拖入一行</source>
        <translation>Fault number, or drop a row of the list</translation>
    </message>
    <message>
        <source>关联</source>
        <translation>Link</translation>
    </message>
    <message>
        <source>本故障</source>
        <translation>This fault is</translation>
    </message>
    <message>
        <source>合并重复故障</source>
        <translation>Merge a duplicate</translation>
    </message>
    <message>
        <source>本故障将作为 {0} 的重复故障关闭并合并，此操作不能撤销。继续吗？</source>
        <translation>This fault will be closed and merged into {0} as its duplicate; this cannot be undone. Continue?</translation>
    </message>
    <message>
        <source>请填写要关联的故障编号。</source>
        <translation>Enter the number of the fault to link.</translation>
    </message>
    <message>
        <source>出现了意外错误，详情已写入日志。</source>
        <translation>An unexpected error occurred; the details were written to the log.</translation>
    </message>
</context>
<context>
    <name>LiveBinding</name>
    <message>
        <source>此故障已被他人更新</source>
        <translation>Someone else has updated this fault</translation>
    </message>
    <message>
        <source>重新载入</source>
        <translation>Reload</translation>
    </message>
    <message>
        <source>%1 正在编辑</source>
        <translation>%1 is editing</translation>
    </message>
    <message>
        <source>%1 正在查看</source>
        <translation>%1 is viewing</translation>
    </message>
    <message>
        <source>数据库连接中断，正在重连…</source>
        <translation>Database connection lost; reconnecting…</translation>
    </message>
</context>
<context>
    <name>LogViewerDialog</name>
    <message>
        <source>查找…</source>
        <translation>Find…</translation>
    </message>
    <message>
        <source>查找下一个</source>
        <translation>Find next</translation>
    </message>
    <message>
        <source>加载更多</source>
        <translation>Load more</translation>
    </message>
    <message>
        <source>此文件（{0}）仅以源文本显示，不会被渲染或执行。</source>
        <translation>This file ({0}) is shown as source text only; it is never rendered or run.</translation>
    </message>
    <message>
        <source>编码 {0}；已显示 {1} / 共 {2}</source>
        <translation>Encoding {0}; showing {1} of {2}</translation>
    </message>
    <message>
        <source>未找到</source>
        <translation>Not found</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>设置…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <source>备份数据库…</source>
        <translation>Back up the database…</translation>
    </message>
    <message>
        <source>从备份恢复…</source>
        <translation>Restore from a backup…</translation>
    </message>
    <message>
        <source>已备份到 </source>
        <translation>Backed up to </translation>
    </message>
    <message>
        <source>已从备份恢复。原数据库保存在 </source>
        <translation>Restored from the backup. The previous database was kept at </translation>
    </message>
    <message>
        <source>。请重新启动 Desk。</source>
        <translation>. Restart Desk.</translation>
    </message>
    <message>
        <source>备份数据库</source>
        <translation>Back up the database</translation>
    </message>
    <message>
        <source>从备份恢复</source>
        <translation>Restore from a backup</translation>
    </message>
    <message>
        <source>未重新启动：请先保存或放弃未保存的内容，再从“设置”重新启动。</source>
        <translation>Not restarted: save or discard what is unsaved first, then restart from Settings.</translation>
    </message>
    <message>
        <source>一级故障时自动打开看板</source>
        <translation>Open the major-incident view for level-1 faults</translation>
    </message>
    <message>
        <source>一级故障上报或升为一级时，在本机自动打开其重大故障看板</source>
        <translation>When a level-1 fault is reported or a fault is raised to level 1, open its major-incident view on this computer</translation>
    </message>
    <message>
        <source>统计(&amp;S)</source>
        <translation>&amp;Statistics</translation>
    </message>
    <message>
        <source>统计报表…</source>
        <translation>Statistics report…</translation>
    </message>
    <message>
        <source>知识库(&amp;K)</source>
        <translation>&amp;Knowledge base</translation>
    </message>
    <message>
        <source>搜索知识库…</source>
        <translation>Search the knowledge base…</translation>
    </message>
    <message>
        <source>未保存的内容</source>
        <translation>Unsaved input</translation>
    </message>
    <message>
        <source>设置已保存</source>
        <translation>Settings saved</translation>
    </message>
    <message>
        <source>界面语言与数据库的更改将在 Desk 重新启动后生效。</source>
        <translation>A new language or database takes effect when Desk starts again.</translation>
    </message>
    <message>
        <source>立即重新启动</source>
        <translation>Restart now</translation>
    </message>
    <message>
        <source>稍后</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>未保存的草稿</source>
        <translation>Unsaved draft</translation>
    </message>
    <message>
        <source>发现未保存的新故障草稿（{0}）。要恢复吗？</source>
        <translation>An unsaved draft of a new fault was found ({0}). Restore it?</translation>
    </message>
    <message>
        <source>保存 PDF</source>
        <translation>Save PDF</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>我的待办</source>
        <translation>My to-do</translation>
    </message>
    <message>
        <source>待受理</source>
        <translation>Reported</translation>
    </message>
    <message>
        <source>超时/即将超时</source>
        <translation>Overdue / due soon</translation>
    </message>
    <message>
        <source>已解决</source>
        <translation>Resolved</translation>
    </message>
    <message>
        <source>Desk — 技术故障反馈与处理</source>
        <translation>Desk — Technical fault reporting and handling</translation>
    </message>
    <message>
        <source>队列视图</source>
        <translation>Queue views</translation>
    </message>
    <message>
        <source>故障队列</source>
        <translation>Fault queue</translation>
    </message>
    <message>
        <source>正在查询…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <source>工具栏</source>
        <translation>Toolbar</translation>
    </message>
    <message>
        <source>新建故障</source>
        <translation>New fault</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>打印启动通知…</source>
        <translation>Print start notice…</translation>
    </message>
    <message>
        <source>Start notice PDF…</source>
        <translation>Start notice PDF…</translation>
    </message>
    <message>
        <source>搜索编号、业务、现象（Ctrl+F）</source>
        <translation>Search number, business, phenomenon (Ctrl+F)</translation>
    </message>
    <message>
        <source>当前人员</source>
        <translation>Current person</translation>
    </message>
    <message>
        <source>切换用户：文件 → 注销/切换用户</source>
        <translation>To switch user: File → Sign out / switch user</translation>
    </message>
    <message>
        <source> 当前人员：</source>
        <translation> Current person: </translation>
    </message>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>注销/切换用户…</source>
        <translation>Sign out / switch user…</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>查看(&amp;V)</source>
        <translation>&amp;View</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All states</translation>
    </message>
    <message>
        <source>按状态筛选</source>
        <translation>Filter by status</translation>
    </message>
    <message>
        <source>全部等级</source>
        <translation>All levels</translation>
    </message>
    <message>
        <source>按等级筛选</source>
        <translation>Filter by level</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>按类型筛选</source>
        <translation>Filter by type</translation>
    </message>
    <message>
        <source>全部处理人</source>
        <translation>All assignees</translation>
    </message>
    <message>
        <source>按处理人筛选</source>
        <translation>Filter by assignee</translation>
    </message>
    <message>
        <source>队列未能刷新：</source>
        <translation>The queue could not be refreshed: </translation>
    </message>
    <message>
        <source>正在填写新故障：请先保存或取消，再打开其他故障。</source>
        <translation>A new fault is being written: save or cancel it before opening another fault.</translation>
    </message>
    <message>
        <source>未选择人员</source>
        <translation>No person selected</translation>
    </message>
    <message>
        <source>新故障尚未保存，确定放弃已输入的内容吗？</source>
        <translation>The new fault is not saved yet. Discard what you typed?</translation>
    </message>
    <message>
        <source>已保存：</source>
        <translation>Saved: </translation>
    </message>
    <message>
        <source>请先在列表中选择一个故障。</source>
        <translation>Select a fault in the list first.</translation>
    </message>
    <message>
        <source>已生成：</source>
        <translation>Generated: </translation>
    </message>
    <message>
        <source>Desk</source>
        <translation>Desk</translation>
    </message>
    <message>
        <source>新故障尚未保存，确定退出吗？</source>
        <translation>The new fault is not saved yet. Quit anyway?</translation>
    </message>
    <message>
        <source>问题(&amp;P)</source>
        <translation>&amp;Problems</translation>
    </message>
    <message>
        <source>关联故障…</source>
        <translation>Linked faults…</translation>
    </message>
    <message>
        <source>问题管理…</source>
        <translation>Problems…</translation>
    </message>
    <message>
        <source>我的整改措施…</source>
        <translation>My action items…</translation>
    </message>
    <message>
        <source>故障复盘报告（PDF）…</source>
        <translation>Post-incident review (PDF)…</translation>
    </message>
    <message>
        <source>运维服务报告…</source>
        <translation>Service report…</translation>
    </message>
    <message>
        <source>重大故障看板…</source>
        <translation>Major incident…</translation>
    </message>
    <message>
        <source>重大故障看板只用于一级（紧急）故障。</source>
        <translation>The major incident view is for level 1 (urgent) faults.</translation>
    </message>
    <message>
        <source>仅管理员可用</source>
        <translation>Administrators only</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>（没有可用的 PDF 阅读器，已在 Desk 中打开预览）</source>
        <translation> (no PDF viewer on this computer: opened in Desk’s preview)</translation>
    </message>
    <message>
        <source>已打开：</source>
        <translation>Opened: </translation>
    </message>
    <message>
        <source>搜索故障</source>
        <translation>Search faults</translation>
    </message>
</context>
<context>
    <name>NewFaultForm</name>
    <message>
        <source>技术故障反馈与处理记录表</source>
        <translation>Technical fault report and handling record</translation>
    </message>
    <message>
        <source>一、基本信息</source>
        <translation>1. Basic information</translation>
    </message>
    <message>
        <source>（保存后由系统生成）</source>
        <translation>(assigned by the system on saving)</translation>
    </message>
    <message>
        <source>未恢复可不填，例如 2026-11-27 10:30</source>
        <translation>If restored, e.g. 2026-11-27 10:30</translation>
    </message>
    <message>
        <source>例如：销售订单系统 – 下单</source>
        <translation>e.g. Sales order system – placing orders</translation>
    </message>
    <message>
        <source>业务中断</source>
        <translation>Business interrupted</translation>
    </message>
    <message>
        <source>（立即通知部门负责人与 IT 应急联系人）</source>
        <translation>(notifies the department head and the IT emergency contact at once)</translation>
    </message>
    <message>
        <source>业务中断（立即通知部门负责人与 IT 应急联系人）</source>
        <translation>Business interrupted (notify the department head and the IT emergency contact at once)</translation>
    </message>
    <message>
        <source>故障编号</source>
        <translation>Fault number</translation>
    </message>
    <message>
        <source>故障类型</source>
        <translation>Fault type</translation>
    </message>
    <message>
        <source>故障等级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>发生时间</source>
        <translation>Occurred at</translation>
    </message>
    <message>
        <source>恢复时间</source>
        <translation>Restored at</translation>
    </message>
    <message>
        <source>发觉人</source>
        <translation>Reported by</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Employee no.</translation>
    </message>
    <message>
        <source>联系方式</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>受影响业务</source>
        <translation>Affected business</translation>
    </message>
    <message>
        <source>影响范围</source>
        <translation>Impact scope</translation>
    </message>
    <message>
        <source>二、故障详细描述</source>
        <translation>2. Fault description</translation>
    </message>
    <message>
        <source>例如：点击提交后页面显示错误 500</source>
        <translation>e.g. after clicking Submit the page shows error 500</translation>
    </message>
    <message>
        <source>1. 登录系统；2. 打开模块；3. 执行操作；4. 出现错误</source>
        <translation>1. Sign in; 2. open the module; 3. perform the action; 4. the error appears</translation>
    </message>
    <message>
        <source>故障现象</source>
        <translation>Phenomenon</translation>
    </message>
    <message>
        <source>复现操作步骤</source>
        <translation>Steps to reproduce</translation>
    </message>
    <message>
        <source>保存后可在故障页面拖入截图、日志等附件。</source>
        <translation>After saving, drag screenshots, logs and other attachments onto the fault&apos;s page.</translation>
    </message>
    <message>
        <source>附加信息</source>
        <translation>Additional information</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>{0}：错误</source>
        <translation>{0}: error</translation>
    </message>
    <message>
        <source>保存失败（内部错误，已记录日志）：</source>
        <translation>Saving failed (internal error, logged): </translation>
    </message>
    <message>
        <source>草稿无法写入磁盘：</source>
        <translation>The draft cannot be written to disk: </translation>
    </message>
</context>
<context>
    <name>NextStep</name>
    <message>
        <source>已结束，无需进一步处理</source>
        <translation>Closed: nothing more to do</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>下一步：{0}（{1}）</source>
        <translation>Next: {0} ({1})</translation>
    </message>
    <message>
        <source>已{0}：{1}</source>
        <translation>Done “{0}”: {1}</translation>
    </message>
    <message>
        <source>等待 {0} 验证</source>
        <translation>Waiting for {0} to verify</translation>
    </message>
    <message>
        <source>等待{0}</source>
        <translation>Waiting for {0}</translation>
    </message>
    <message>
        <source>，负责人 {0}</source>
        <translation>, assignee {0}</translation>
    </message>
</context>
<context>
    <name>NotificationCenter</name>
    <message numerus="yes">
        <source>Desk：%n 条新通知</source>
        <translation>
            <numerusform>Desk: %n new notification</numerusform>
            <numerusform>Desk: %n new notifications</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>NotificationPanel</name>
    <message>
        <source>通知</source>
        <translation>Notifications</translation>
    </message>
    <message>
        <source>暂无通知</source>
        <translation>No notifications</translation>
    </message>
</context>
<context>
    <name>NotificationsUi</name>
    <message>
        <source>通知</source>
        <translation>Notifications</translation>
    </message>
    <message>
        <source>通知(&amp;N)</source>
        <translation>&amp;Notifications</translation>
    </message>
    <message>
        <source>通知列表</source>
        <translation>Notification list</translation>
    </message>
    <message>
        <source>立即检查并发送</source>
        <translation>Check and send now</translation>
    </message>
    <message>
        <source>邮件发送：等待首次检查</source>
        <translation>Mail: waiting for the first check</translation>
    </message>
    <message>
        <source>邮件服务器设置…</source>
        <translation>Mail server settings…</translation>
    </message>
    <message>
        <source>发件箱…</source>
        <translation>Outbox…</translation>
    </message>
    <message>
        <source>邮件发送：未设置邮件服务器（仅站内通知）</source>
        <translation>Mail: no mail server set (in-app notifications only)</translation>
    </message>
    <message>
        <source>邮件发送：本机密钥环中没有 SMTP 密码，由其他工作站发送</source>
        <translation>Mail: no SMTP password in this computer&apos;s keyring; other desks send</translation>
    </message>
    <message>
        <source>邮件发送：已开启</source>
        <translation>Mail: on</translation>
    </message>
    <message>
        <source>（最近错误：%1）</source>
        <translation> (last error: %1)</translation>
    </message>
    <message>
        <source>通知（%1）</source>
        <translation>Notifications (%1)</translation>
    </message>
    <message>
        <source>新通知：%1</source>
        <translation>New notification: %1</translation>
    </message>
</context>
<context>
    <name>OrganisationDialog</name>
    <message>
        <source>单位与时区</source>
        <translation>Organisation and time zone</translation>
    </message>
    <message>
        <source>单位名称：</source>
        <translation>Organisation name:</translation>
    </message>
    <message>
        <source>时区：</source>
        <translation>Time zone:</translation>
    </message>
    <message>
        <source>时区决定故障编号中的日期与显示的时间；更改后未关闭故障的截止时间将重新计算，各工作站重新启动后按新时区显示。</source>
        <translation>The time zone decides the date in fault numbers and the times shown; after a change the deadlines of open faults are recomputed, and each desk shows the new zone after a restart.</translation>
    </message>
</context>
<context>
    <name>OutboxDialog</name>
    <message>
        <source>发件箱</source>
        <translation>Outbox</translation>
    </message>
    <message>
        <source>待发送与失败</source>
        <translation>Pending and failed</translation>
    </message>
    <message>
        <source>全部（含已发送）</source>
        <translation>All (including sent)</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>立即发送</source>
        <translation>Send now</translation>
    </message>
    <message>
        <source>待发送 %1 封，失败 %2 封</source>
        <translation>%1 pending, %2 failed</translation>
    </message>
</context>
<context>
    <name>OutboxModel</name>
    <message>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>尝试次数</source>
        <translation>Attempts</translation>
    </message>
    <message>
        <source>下次尝试/发送时间</source>
        <translation>Next attempt / sent at</translation>
    </message>
    <message>
        <source>主题</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>收件人</source>
        <translation>Recipients</translation>
    </message>
    <message>
        <source>最近错误</source>
        <translation>Last error</translation>
    </message>
</context>
<context>
    <name>PassFail</name>
    <message>
        <source>通过</source>
        <translation>Passed</translation>
    </message>
    <message>
        <source>不通过</source>
        <translation>Failed</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>重设密码 — </source>
        <translation>Reset password — </translation>
    </message>
    <message>
        <source>新密码：</source>
        <translation>New password:</translation>
    </message>
    <message>
        <source>再次输入：</source>
        <translation>Again:</translation>
    </message>
    <message>
        <source>设置后该账户的锁定同时解除。</source>
        <translation>Setting it also unlocks the account.</translation>
    </message>
    <message>
        <source>两次输入的密码不一致。</source>
        <translation>The two passwords do not match.</translation>
    </message>
</context>
<context>
    <name>PeopleDialog</name>
    <message>
        <source>人员与角色</source>
        <translation>People and roles</translation>
    </message>
    <message>
        <source>添加人员…</source>
        <translation>Add person…</translation>
    </message>
    <message>
        <source>编辑…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <source>停用/启用</source>
        <translation>Deactivate/activate</translation>
    </message>
    <message>
        <source>重设密码…</source>
        <translation>Reset password…</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>勾选表格中的角色即可立即生效；双击一行可编辑详细信息。</source>
        <translation>Ticking a role in the table takes effect at once; double-click a row to edit the details.</translation>
    </message>
</context>
<context>
    <name>PersonEditDialog</name>
    <message>
        <source>添加人员</source>
        <translation>Add person</translation>
    </message>
    <message>
        <source>编辑人员</source>
        <translation>Edit person</translation>
    </message>
    <message>
        <source>启用（可以登录）</source>
        <translation>Active (may sign in)</translation>
    </message>
    <message>
        <source>工号：</source>
        <translation>Employee no.:</translation>
    </message>
    <message>
        <source>姓名：</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>部门：</source>
        <translation>Department:</translation>
    </message>
    <message>
        <source>联系方式：</source>
        <translation>Contact:</translation>
    </message>
    <message>
        <source>邮箱：</source>
        <translation>Email:</translation>
    </message>
    <message>
        <source>至少 8 个字符；可稍后再设</source>
        <translation>At least 8 characters; may be set later</translation>
    </message>
    <message>
        <source>初始密码：</source>
        <translation>Initial password:</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Roles</translation>
    </message>
</context>
<context>
    <name>ProblemsDialog</name>
    <message>
        <source>问题管理</source>
        <translation>Problems</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All states</translation>
    </message>
    <message>
        <source>新建问题…</source>
        <translation>New problem…</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>State</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>Number</translation>
    </message>
    <message>
        <source>故障数</source>
        <translation>Faults</translation>
    </message>
    <message>
        <source>标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>故障与记录</source>
        <translation>Faults and history</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>关联所选故障</source>
        <translation>Add the selected fault</translation>
    </message>
    <message>
        <source>标为已知错误</source>
        <translation>Mark as known error</translation>
    </message>
    <message>
        <source>标为已解决</source>
        <translation>Mark as resolved</translation>
    </message>
    <message>
        <source>（重复故障）</source>
        <translation> (repeat fault)</translation>
    </message>
    <message>
        <source>新建问题</source>
        <translation>New problem</translation>
    </message>
    <message>
        <source>问题标题</source>
        <translation>Title</translation>
    </message>
    <message>
        <source>出现了意外错误，详情已写入日志。</source>
        <translation>An unexpected error occurred; the details were written to the log.</translation>
    </message>
    <message>
        <source>关联故障 {0}</source>
        <translation>Fault {0} added</translation>
    </message>
    <message>
        <source>状态改为“{0}”</source>
        <translation>State set to “{0}”</translation>
    </message>
    <message>
        <source>修改：{0}</source>
        <translation>Changed: {0}</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <source>故障编号</source>
        <translation>Fault number</translation>
    </message>
    <message>
        <source>等级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>受影响业务</source>
        <translation>Affected business</translation>
    </message>
    <message>
        <source>发觉人</source>
        <translation>Reported by</translation>
    </message>
    <message>
        <source>处理人</source>
        <translation>Assignee</translation>
    </message>
    <message>
        <source>报告时间</source>
        <translation>Reported at</translation>
    </message>
    <message>
        <source>响应截止</source>
        <translation>Respond by</translation>
    </message>
    <message>
        <source>恢复截止</source>
        <translation>Restore by</translation>
    </message>
    <message>
        <source>剩余时间</source>
        <translation>Time left</translation>
    </message>
</context>
<context>
    <name>RecomputeProgress</name>
    <message>
        <source>重新计算未结故障的截止时间：%v / %m</source>
        <translation>Recomputing the deadlines of open faults: %v / %m</translation>
    </message>
</context>
<context>
    <name>ServiceReportDialog</name>
    <message>
        <source>运维服务报告</source>
        <translation>Service report</translation>
    </message>
    <message>
        <source>月报</source>
        <translation>Monthly</translation>
    </message>
    <message>
        <source>季报</source>
        <translation>Quarterly</translation>
    </message>
    <message>
        <source>报告类型</source>
        <translation>Report</translation>
    </message>
    <message>
        <source>年 / 月（季）</source>
        <translation>Year / month (quarter)</translation>
    </message>
    <message>
        <source>格式</source>
        <translation>Format</translation>
    </message>
    <message>
        <source>生成…</source>
        <translation>Write…</translation>
    </message>
    <message>
        <source>保存报告</source>
        <translation>Save the report</translation>
    </message>
    <message>
        <source>已生成：</source>
        <translation>Written: </translation>
    </message>
    <message>
        <source>出现了意外错误，详情已写入日志。</source>
        <translation>An unexpected error occurred; the details were written to the log.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>更改语言将在重新启动 Desk 后生效。</source>
        <translation>A language change takes effect when Desk is restarted.</translation>
    </message>
    <message>
        <source>SQLite 文件（单机）</source>
        <translation>SQLite file (one computer)</translation>
    </message>
    <message>
        <source>PostgreSQL 服务器（团队共享）</source>
        <translation>PostgreSQL server (shared by the team)</translation>
    </message>
    <message>
        <source>选择文件…</source>
        <translation>Choose file…</translation>
    </message>
    <message>
        <source>postgresql://用户@服务器:5432/desk</source>
        <translation>postgresql://user@server:5432/desk</translation>
    </message>
    <message>
        <source>测试连接</source>
        <translation>Test connection</translation>
    </message>
    <message>
        <source>数据库</source>
        <translation>Database</translation>
    </message>
    <message>
        <source>类型：</source>
        <translation>Type:</translation>
    </message>
    <message>
        <source>文件：</source>
        <translation>File:</translation>
    </message>
    <message>
        <source>服务器地址：</source>
        <translation>Server URL:</translation>
    </message>
    <message>
        <source>地址中的密码不会写入设置文件，而是保存在系统钥匙串中。更改数据库将在重新启动 Desk 后生效。</source>
        <translation>A password in the URL is not written to the settings file but kept in the system keychain. A database change takes effect when Desk is restarted.</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <source>语言：</source>
        <translation>Language:</translation>
    </message>
    <message>
        <source>请先填写数据库文件或服务器地址。</source>
        <translation>Fill in the database file or the server URL first.</translation>
    </message>
    <message>
        <source>正在连接…</source>
        <translation>Connecting…</translation>
    </message>
    <message>
        <source>连接成功：</source>
        <translation>Connected: </translation>
    </message>
    <message>
        <source>连接失败。</source>
        <translation>The connection failed.</translation>
    </message>
    <message>
        <source>设置已保存，重新启动 Desk 后生效。</source>
        <translation>Settings saved; they take effect when Desk is restarted.</translation>
    </message>
    <message>
        <source>选择数据库文件</source>
        <translation>Choose the database file</translation>
    </message>
    <message>
        <source>Desk 数据库 (*.sqlite3 *.db);;所有文件 (*)</source>
        <translation>Desk database (*.sqlite3 *.db);;All files (*)</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>快捷键…</source>
        <translation>Keyboard shortcuts…</translation>
    </message>
    <message>
        <source>保存对故障记录的修改</source>
        <translation>Save the changes to the fault record</translation>
    </message>
    <message>
        <source>故障的操作按钮，从左到右（受理研判、分级派单……）</source>
        <translation>The fault’s action buttons, left to right (Triage, Dispatch …)</translation>
    </message>
    <message>
        <source>在附件区粘贴截图或文件</source>
        <translation>Paste a screenshot or files into the attachments</translation>
    </message>
    <message>
        <source>在输入项之间移动</source>
        <translation>Move between the inputs</translation>
    </message>
    <message>
        <source>关闭对话框（不保存）</source>
        <translation>Close a dialog (without saving)</translation>
    </message>
    <message>
        <source>快捷键</source>
        <translation>Keyboard shortcuts</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <source>按键</source>
        <translation>Keys</translation>
    </message>
    <message>
        <source>作用</source>
        <translation>What it does</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>出现了意外错误，详情已写入日志。</source>
        <translation>An unexpected error occurred; the details were written to the log.</translation>
    </message>
    <message>
        <source>登录 Desk</source>
        <translation>Sign in to Desk</translation>
    </message>
    <message>
        <source>技术故障反馈与处理</source>
        <translation>Technical fault reporting and handling</translation>
    </message>
    <message>
        <source>例如 IT001</source>
        <translation>e.g. IT001</translation>
    </message>
    <message>
        <source>工号：</source>
        <translation>Employee no.:</translation>
    </message>
    <message>
        <source>密码：</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>请输入工号和密码。</source>
        <translation>Enter your employee number and password.</translation>
    </message>
    <message>
        <source>正在验证…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>正在打开数据库…</source>
        <translation>Opening the database…</translation>
    </message>
</context>
<context>
    <name>SimilarFaultDialog</name>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>已解决，未归档</source>
        <translation>Resolved, not archived</translation>
    </message>
    <message>
        <source>受影响业务</source>
        <translation>Affected business</translation>
    </message>
    <message>
        <source>故障现象</source>
        <translation>Phenomenon</translation>
    </message>
    <message>
        <source>方案</source>
        <translation>Solution</translation>
    </message>
    <message>
        <source>已知问题</source>
        <translation>Known error</translation>
    </message>
</context>
<context>
    <name>SimilarFaultsModel</name>
    <message>
        <source>知识库</source>
        <translation>Knowledge base</translation>
    </message>
    <message>
        <source>已解决，未归档</source>
        <translation>Resolved, not archived</translation>
    </message>
    <message>
        <source>（未记录方案）</source>
        <translation>(no solution recorded)</translation>
    </message>
    <message>
        <source>相似度</source>
        <translation>Similarity</translation>
    </message>
    <message>
        <source>故障现象</source>
        <translation>Phenomenon</translation>
    </message>
    <message>
        <source>受影响业务</source>
        <translation>Affected business</translation>
    </message>
    <message>
        <source>方案</source>
        <translation>Solution</translation>
    </message>
    <message>
        <source>已知问题</source>
        <translation>Known error</translation>
    </message>
</context>
<context>
    <name>SimilarFaultsPanel</name>
    <message>
        <source>相似历史故障</source>
        <translation>Similar past faults</translation>
    </message>
    <message>
        <source>填写受影响业务和故障现象后，这里会列出相似的历史故障及其解决方案。</source>
        <translation>Once the affected business and the phenomenon are filled in, similar past faults and their solutions are listed here.</translation>
    </message>
    <message>
        <source>正在查找相似故障…</source>
        <translation>Looking for similar faults…</translation>
    </message>
    <message numerus="yes">
        <source>找到 %n 个相似的历史故障（双击查看）：</source>
        <translation>
            <numerusform>%n similar past fault found (double-click to open):</numerusform>
            <numerusform>%n similar past faults found (double-click to open):</numerusform>
        </translation>
    </message>
    <message>
        <source>没有找到相似的历史故障。</source>
        <translation>No similar past faults found.</translation>
    </message>
    <message>
        <source>无法查找相似故障：</source>
        <translation>Cannot look for similar faults: </translation>
    </message>
</context>
<context>
    <name>SmtpSettingsDialog</name>
    <message>
        <source>STARTTLS（推荐，587）</source>
        <translation>STARTTLS (recommended, 587)</translation>
    </message>
    <message>
        <source>SSL/TLS（465）</source>
        <translation>SSL/TLS (465)</translation>
    </message>
    <message>
        <source>不加密（25，仅限内网）</source>
        <translation>No encryption (25, internal network only)</translation>
    </message>
    <message>
        <source>邮件服务器设置</source>
        <translation>Mail server settings</translation>
    </message>
    <message>
        <source>留空则保留本机密钥环中已保存的密码</source>
        <translation>Leave empty to keep the password saved in this computer&apos;s keyring</translation>
    </message>
    <message>
        <source>发送测试邮件</source>
        <translation>Send test mail</translation>
    </message>
    <message>
        <source>服务器地址：</source>
        <translation>Server URL:</translation>
    </message>
    <message>
        <source>端口：</source>
        <translation>Port:</translation>
    </message>
    <message>
        <source>加密方式：</source>
        <translation>Encryption:</translation>
    </message>
    <message>
        <source>用户名：</source>
        <translation>User name:</translation>
    </message>
    <message>
        <source>密码：</source>
        <translation>Password:</translation>
    </message>
    <message>
        <source>发件地址：</source>
        <translation>Sender address:</translation>
    </message>
    <message>
        <source>密码保存在本机的系统密钥环中，不写入数据库；每台负责发信的工作站都需输入一次。</source>
        <translation>The password is kept in this computer&apos;s system keyring, never in the database; each desk that sends mail needs it entered once.</translation>
    </message>
    <message>
        <source>测试收件人：</source>
        <translation>Test recipient:</translation>
    </message>
    <message>
        <source>只有管理员可以修改邮件服务器设置。</source>
        <translation>Only an administrator may change the mail server settings.</translation>
    </message>
    <message>
        <source>正在发送测试邮件…</source>
        <translation>Sending the test mail…</translation>
    </message>
    <message>
        <source>测试邮件已发送至 %1，请查收。</source>
        <translation>The test mail was sent to %1; check the inbox.</translation>
    </message>
    <message>
        <source>发送失败：%1</source>
        <translation>Sending failed: %1</translation>
    </message>
    <message>
        <source>请先登录。</source>
        <translation>Sign in first.</translation>
    </message>
</context>
<context>
    <name>Spans</name>
    <message>
        <source>{0}分</source>
        <translation>{0}m</translation>
    </message>
    <message>
        <source>剩余 {0}</source>
        <translation>{0} left</translation>
    </message>
    <message>
        <source>{0}天{1}小时</source>
        <translation>{0}d {1}h</translation>
    </message>
    <message>
        <source>{0}小时{1}分</source>
        <translation>{0}h {1}m</translation>
    </message>
    <message>
        <source>已超时 {0}</source>
        <translation>Overdue {0}</translation>
    </message>
    <message>
        <source>超时 {0}</source>
        <translation>{0} late</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>打开数据库时出现意外错误，详情已写入日志。</source>
        <translation>An unexpected error occurred while opening the database; the details were written to the log.</translation>
    </message>
    <message>
        <source>无法打开数据库：</source>
        <translation>Cannot open the database:</translation>
    </message>
    <message>
        <source>选择其他数据库…</source>
        <translation>Choose another database…</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>演示账号与密码：{0}</source>
        <translation>Demo accounts and passwords: {0}</translation>
    </message>
    <message>
        <source>此数据库还没有可登录的管理员。数据库所有者可用命令 desk db recover-admin &lt;工号&gt; 设置密码。</source>
        <translation>This database has no administrator who can sign in yet. The database owner can set a password with the command desk db recover-admin &lt;employee no.&gt;.</translation>
    </message>
    <message>
        <source>无法重新启动 Desk，请手动启动。设置已保存。</source>
        <translation>Desk could not restart itself; please start it again. The settings are saved.</translation>
    </message>
    <message>
        <source>请先登录 Desk。</source>
        <translation>Sign in to Desk first.</translation>
    </message>
</context>
<context>
    <name>TeamTable</name>
    <message>
        <source>人员</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>职责</source>
        <translation>Duty</translation>
    </message>
    <message>
        <source>小组成员</source>
        <translation>Team members</translation>
    </message>
    <message>
        <source>（未选择）</source>
        <translation>(none selected)</translation>
    </message>
</context>
<context>
    <name>TicketPanel</name>
    <message>
        <source>截止</source>
        <translation>due</translation>
    </message>
    <message>
        <source>未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <source>（已通知部门负责人与 IT 应急联系人）</source>
        <translation>(department head and IT emergency contact notified)</translation>
    </message>
    <message>
        <source>此故障有尚未保存的修改。要保存吗？</source>
        <translation>This fault has unsaved changes. Save them?</translation>
    </message>
    <message>
        <source>时限</source>
        <translation>Deadlines</translation>
    </message>
    <message>
        <source>{0}，{1}</source>
        <translation>{0}, {1}</translation>
    </message>
    <message>
        <source>{0} 分（满分 5 分）</source>
        <translation>{0} out of 5</translation>
    </message>
    <message>
        <source>一、基本信息</source>
        <translation>1. Basic information</translation>
    </message>
    <message>
        <source>故障编号</source>
        <translation>Fault number</translation>
    </message>
    <message>
        <source>当前状态</source>
        <translation>Current status</translation>
    </message>
    <message>
        <source>故障等级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>发生时间</source>
        <translation>Occurred at</translation>
    </message>
    <message>
        <source>恢复时间</source>
        <translation>Restored at</translation>
    </message>
    <message>
        <source>报告时间</source>
        <translation>Reported at</translation>
    </message>
    <message>
        <source>发觉人</source>
        <translation>Reported by</translation>
    </message>
    <message>
        <source>工号</source>
        <translation>Employee no.</translation>
    </message>
    <message>
        <source>联系方式</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>受影响业务</source>
        <translation>Affected business</translation>
    </message>
    <message>
        <source>影响范围</source>
        <translation>Impact scope</translation>
    </message>
    <message>
        <source>业务中断</source>
        <translation>Business interrupted</translation>
    </message>
    <message>
        <source>二、故障详细描述</source>
        <translation>2. Fault description</translation>
    </message>
    <message>
        <source>故障现象</source>
        <translation>Phenomenon</translation>
    </message>
    <message>
        <source>复现操作步骤</source>
        <translation>Steps to reproduce</translation>
    </message>
    <message>
        <source>附加信息</source>
        <translation>Additional information</translation>
    </message>
    <message>
        <source>三、处理过程记录</source>
        <translation>3. Handling record</translation>
    </message>
    <message>
        <source>初步研判</source>
        <translation>First assessment</translation>
    </message>
    <message>
        <source>响应人/时间</source>
        <translation>Responded by / at</translation>
    </message>
    <message>
        <source>首次联系情况</source>
        <translation>First contact</translation>
    </message>
    <message>
        <source>确认的细节</source>
        <translation>Confirmed details</translation>
    </message>
    <message>
        <source>能否复现</source>
        <translation>Reproducible</translation>
    </message>
    <message>
        <source>初步排查结果</source>
        <translation>First investigation</translation>
    </message>
    <message>
        <source>故障类型</source>
        <translation>Fault type</translation>
    </message>
    <message>
        <source>定级人/时间</source>
        <translation>Graded by / at</translation>
    </message>
    <message>
        <source>处理小组</source>
        <translation>Handling team</translation>
    </message>
    <message>
        <source>负责人</source>
        <translation>In charge</translation>
    </message>
    <message>
        <source>小组成员</source>
        <translation>Team members</translation>
    </message>
    <message>
        <source>预计完成时间</source>
        <translation>Expected completion</translation>
    </message>
    <message>
        <source>配合要求</source>
        <translation>Cooperation required</translation>
    </message>
    <message>
        <source>原因分析</source>
        <translation>Cause analysis</translation>
    </message>
    <message>
        <source>根本原因</source>
        <translation>Root cause</translation>
    </message>
    <message>
        <source>深层原因</source>
        <translation>Underlying cause</translation>
    </message>
    <message>
        <source>影响评估</source>
        <translation>Impact assessment</translation>
    </message>
    <message>
        <source>复现条件</source>
        <translation>Conditions to reproduce</translation>
    </message>
    <message>
        <source>证据清单</source>
        <translation>Evidence list</translation>
    </message>
    <message>
        <source>解决方案</source>
        <translation>Solution</translation>
    </message>
    <message>
        <source>临时解决方案</source>
        <translation>Temporary solution</translation>
    </message>
    <message>
        <source>长期解决方案</source>
        <translation>Long-term solution</translation>
    </message>
    <message>
        <source>方案提出</source>
        <translation>Solution proposed by / at</translation>
    </message>
    <message>
        <source>业务确认</source>
        <translation>Business confirmation</translation>
    </message>
    <message>
        <source>技术审批</source>
        <translation>Technical approval</translation>
    </message>
    <message>
        <source>实施记录</source>
        <translation>Implementation record</translation>
    </message>
    <message>
        <source>实施步骤</source>
        <translation>Implementation steps</translation>
    </message>
    <message>
        <source>四、验证结果</source>
        <translation>4. Verification result</translation>
    </message>
    <message>
        <source>验证人</source>
        <translation>Verifier</translation>
    </message>
    <message>
        <source>验证时间</source>
        <translation>Verified at</translation>
    </message>
    <message>
        <source>验证环境</source>
        <translation>Environment</translation>
    </message>
    <message>
        <source>验证内容</source>
        <translation>What was checked</translation>
    </message>
    <message>
        <source>验证结论</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Remarks</translation>
    </message>
    <message>
        <source>满意度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <source>评价意见</source>
        <translation>Comment on the handling</translation>
    </message>
    <message>
        <source>五、闭环</source>
        <translation>5. Closure</translation>
    </message>
    <message>
        <source>故障总结</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>预防措施</source>
        <translation>Prevention measures</translation>
    </message>
    <message>
        <source>完成通知发送</source>
        <translation>Completion notice sent</translation>
    </message>
    <message>
        <source>归档（时间、人员）</source>
        <translation>Archived (when, by whom)</translation>
    </message>
    <message>
        <source>撤销（时间、原因）</source>
        <translation>Cancelled (when, why)</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>初定等级</source>
        <translation>Initial level</translation>
    </message>
    <message>
        <source>响应时间</source>
        <translation>Responded at</translation>
    </message>
    <message>
        <source>响应人</source>
        <translation>Responded by</translation>
    </message>
    <message>
        <source>定级人</source>
        <translation>Graded by</translation>
    </message>
    <message>
        <source>定级时间</source>
        <translation>Graded at</translation>
    </message>
    <message>
        <source>派单时间</source>
        <translation>Dispatched at</translation>
    </message>
    <message>
        <source>待发启动通知</source>
        <translation>Start notice pending</translation>
    </message>
    <message>
        <source>启动通知发出时间</source>
        <translation>Start notice issued at</translation>
    </message>
    <message>
        <source>分析时间</source>
        <translation>Analysed at</translation>
    </message>
    <message>
        <source>需要原因分析报告</source>
        <translation>Analysis report required</translation>
    </message>
    <message>
        <source>方案提出人</source>
        <translation>Solution proposed by</translation>
    </message>
    <message>
        <source>方案提出时间</source>
        <translation>Solution proposed at</translation>
    </message>
    <message>
        <source>业务确认人</source>
        <translation>Business confirmer</translation>
    </message>
    <message>
        <source>业务确认时间</source>
        <translation>Business confirmed at</translation>
    </message>
    <message>
        <source>技术审批人</source>
        <translation>Technical approval by</translation>
    </message>
    <message>
        <source>技术审批时间</source>
        <translation>Technical approval at</translation>
    </message>
    <message>
        <source>临时方案时间</source>
        <translation>Workaround at</translation>
    </message>
    <message>
        <source>验证轮次</source>
        <translation>Verification round</translation>
    </message>
    <message>
        <source>解决时间</source>
        <translation>Resolved at</translation>
    </message>
    <message>
        <source>归档时间</source>
        <translation>Archived at</translation>
    </message>
    <message>
        <source>归档人</source>
        <translation>Archived by</translation>
    </message>
    <message>
        <source>撤销时间</source>
        <translation>Cancelled at</translation>
    </message>
    <message>
        <source>撤销原因</source>
        <translation>Reason for cancelling</translation>
    </message>
    <message>
        <source>完成通知发送对象</source>
        <translation>Completion notice sent to</translation>
    </message>
    <message>
        <source>完成通知发送时间</source>
        <translation>Completion notice sent at</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>保存对记录的修改（Ctrl+S）</source>
        <translation>Save the changes to the record (Ctrl+S)</translation>
    </message>
    <message>
        <source>恢复</source>
        <translation>Restore</translation>
    </message>
    <message>
        <source>丢弃</source>
        <translation>Discard</translation>
    </message>
    <message>
        <source>处理时间线</source>
        <translation>Handling timeline</translation>
    </message>
    <message>
        <source>未确定</source>
        <translation>Not determined</translation>
    </message>
    <message>
        <source>能复现</source>
        <translation>Reproducible</translation>
    </message>
    <message>
        <source>不能复现</source>
        <translation>Not reproducible</translation>
    </message>
    <message>
        <source>等级通过“受理研判”“分级派单”“调整等级”修改</source>
        <translation>The level is changed through “Acknowledge and triage”, “Grade and dispatch” and “Change level”</translation>
    </message>
    <message>
        <source>类型在“受理研判”时确定</source>
        <translation>The type is settled at “Acknowledge and triage”</translation>
    </message>
    <message>
        <source>（空）</source>
        <translation>(empty)</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <source>临时方案 </source>
        <translation>Workaround </translation>
    </message>
    <message>
        <source>（待业务方确认）</source>
        <translation> (awaiting business confirmation)</translation>
    </message>
    <message>
        <source>（待技术审批）</source>
        <translation> (awaiting technical approval)</translation>
    </message>
    <message>
        <source>通过</source>
        <translation>Passed</translation>
    </message>
    <message>
        <source>不通过</source>
        <translation>Failed</translation>
    </message>
    <message>
        <source>（第 {0} 轮）</source>
        <translation> (round {0})</translation>
    </message>
    <message>
        <source>系统</source>
        <translation>System</translation>
    </message>
    <message>
        <source>已暂停：{0}（暂停合计 {1}）</source>
        <translation>Paused: {0} (paused in all {1})</translation>
    </message>
    <message>
        <source>暂停合计 {0}</source>
        <translation>Paused in all {0}</translation>
    </message>
    <message>
        <source>响应</source>
        <translation>Response</translation>
    </message>
    <message>
        <source>（估算）</source>
        <translation> (estimated)</translation>
    </message>
    <message>
        <source>{0}（{1}）</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>当前状态或角色下不可修改</source>
        <translation>Cannot be changed in the current state or with your roles</translation>
    </message>
    <message>
        <source>保存 *</source>
        <translation>Save *</translation>
    </message>
    <message>
        <source>请先选择当前人员。</source>
        <translation>Choose the current person first.</translation>
    </message>
    <message>
        <source>没有需要保存的修改。</source>
        <translation>There are no changes to save.</translation>
    </message>
    <message>
        <source>已保存（版本 {0}）</source>
        <translation>Saved (version {0})</translation>
    </message>
    <message>
        <source>保存失败（内部错误，已记录日志）：</source>
        <translation>Saving failed (internal error, logged): </translation>
    </message>
    <message>
        <source>（已输入的内容仍在表单中）</source>
        <translation> (what you typed is still in the form)</translation>
    </message>
    <message>
        <source>他人已修改此故障，正在比较…</source>
        <translation>Someone else changed this fault; comparing…</translation>
    </message>
    <message>
        <source>未保存：他人已修改此故障。您的修改仍在表单中，可再次保存并选择保留哪一方。</source>
        <translation>Not saved: someone else changed this fault. Your changes are still in the form; save again and choose which side to keep.</translation>
    </message>
    <message>
        <source>已采用对方的内容。</source>
        <translation>Their content was taken.</translation>
    </message>
    <message>
        <source>这些修改不能保存（当前状态或角色下不可修改）。</source>
        <translation>These changes cannot be saved (not changeable in the current state or with your roles).</translation>
    </message>
    <message>
        <source>草稿无法写入磁盘：</source>
        <translation>The draft cannot be written to disk: </translation>
    </message>
    <message>
        <source>发现未保存的草稿（{0}）</source>
        <translation>An unsaved draft was found ({0})</translation>
    </message>
    <message>
        <source>以下草稿内容当前不可修改，未恢复：</source>
        <translation>These parts of the draft cannot be changed now and were not restored:</translation>
    </message>
    <message>
        <source>已恢复草稿，请检查后保存。</source>
        <translation>The draft was restored; check it, then save.</translation>
    </message>
    <message>
        <source>有未保存的修改：请先保存（Ctrl+S）或放弃修改，再执行“{0}”。</source>
        <translation>There are unsaved changes: save them (Ctrl+S) or discard them before “{0}”.</translation>
    </message>
    <message>
        <source>未选择故障。

在左侧列表中选择一个故障查看和处理，或点击“新建故障”（Ctrl+N）登记新的故障。</source>
        <translation>No fault chosen.

Choose a fault in the list to see and handle it, or click “New fault” (Ctrl+N) to report one.</translation>
    </message>
    <message>
        <source>内容：</source>
        <translation>Checked: </translation>
    </message>
    <message>
        <source>第 {0} 轮</source>
        <translation>Round {0}</translation>
    </message>
    <message>
        <source>环境：</source>
        <translation>Environment: </translation>
    </message>
    <message>
        <source>各轮验证</source>
        <translation>Every round</translation>
    </message>
    <message>
        <source>报告人来信 {0}，自动恢复</source>
        <translation>the reporter answered ({0}): resumed by itself</translation>
    </message>
</context>
<context>
    <name>TicketTableModel</name>
    <message>
        <source>估算</source>
        <translation>est.</translation>
    </message>
    <message>
        <source>估算：日历里还没有这一年，按周一至周五为工作日计算</source>
        <translation>Estimated: the calendar does not hold this year yet, so Monday to Friday count as working days</translation>
    </message>
    <message>
        <source>已暂停</source>
        <translation>Paused</translation>
    </message>
</context>
<context>
    <name>parent</name>
    <message>
        <source>导入工作日历</source>
        <translation>Import working calendar</translation>
    </message>
    <message>
        <source>添加附件</source>
        <translation>Attachment added</translation>
    </message>
    <message>
        <source>另存到文件夹</source>
        <translation>Save to folder</translation>
    </message>
    <message>
        <source>移除附件</source>
        <translation>Attachment removed</translation>
    </message>
    <message>
        <source>移除“{0}”的原因：</source>
        <translation>Reason for removing “{0}”:</translation>
    </message>
    <message>
        <source>导出统计</source>
        <translation>Export statistics</translation>
    </message>
    <message>
        <source>未保存的内容</source>
        <translation>Unsaved input</translation>
    </message>
    <message>
        <source>未保存的草稿</source>
        <translation>Unsaved draft</translation>
    </message>
    <message>
        <source>发现未保存的新故障草稿（{0}）。要恢复吗？</source>
        <translation>An unsaved draft of a new fault was found ({0}). Restore it?</translation>
    </message>
    <message>
        <source>保存 PDF</source>
        <translation>Save PDF</translation>
    </message>
    <message>
        <source>选择数据库文件</source>
        <translation>Choose the database file</translation>
    </message>
    <message>
        <source>Desk 数据库 (*.sqlite3 *.db);;所有文件 (*)</source>
        <translation>Desk database (*.sqlite3 *.db);;All files (*)</translation>
    </message>
    <message>
        <source>未保存的修改</source>
        <translation>Unsaved changes</translation>
    </message>
    <message>
        <source>此故障有尚未保存的修改。要保存吗？</source>
        <translation>This fault has unsaved changes. Save them?</translation>
    </message>
    <message>
        <source>备份数据库</source>
        <translation>Back up the database</translation>
    </message>
    <message>
        <source>从备份恢复</source>
        <translation>Restore from a backup</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <source>设置已保存</source>
        <translation>Settings saved</translation>
    </message>
    <message>
        <source>界面语言与数据库的更改将在 Desk 重新启动后生效。</source>
        <translation>A new language or database takes effect when Desk starts again.</translation>
    </message>
    <message>
        <source>立即重新启动</source>
        <translation>Restart now</translation>
    </message>
    <message>
        <source>稍后</source>
        <translation>Later</translation>
    </message>
    <message>
        <source>设置…</source>
        <translation>Settings…</translation>
    </message>
    <message>
        <source>备份数据库…</source>
        <translation>Back up the database…</translation>
    </message>
    <message>
        <source>从备份恢复…</source>
        <translation>Restore from a backup…</translation>
    </message>
    <message>
        <source>已备份到 </source>
        <translation>Backed up to </translation>
    </message>
    <message>
        <source>已从备份恢复。原数据库保存在 </source>
        <translation>Restored from the backup. The previous database was kept at </translation>
    </message>
    <message>
        <source>。请重新启动 Desk。</source>
        <translation>. Restart Desk.</translation>
    </message>
    <message>
        <source>未重新启动：请先保存或放弃未保存的内容，再从“设置”重新启动。</source>
        <translation>Not restarted: save or discard what is unsaved first, then restart from Settings.</translation>
    </message>
    <message>
        <source>统计(&amp;S)</source>
        <translation>&amp;Statistics</translation>
    </message>
    <message>
        <source>统计报表…</source>
        <translation>Statistics report…</translation>
    </message>
    <message>
        <source>知识库(&amp;K)</source>
        <translation>&amp;Knowledge base</translation>
    </message>
    <message>
        <source>搜索知识库…</source>
        <translation>Search the knowledge base…</translation>
    </message>
    <message>
        <source>问题(&amp;P)</source>
        <translation>&amp;Problems</translation>
    </message>
    <message>
        <source>一级故障时自动打开看板</source>
        <translation>Open the major-incident view for level-1 faults</translation>
    </message>
    <message>
        <source>一级故障上报或升为一级时，在本机自动打开其重大故障看板</source>
        <translation>When a level-1 fault is reported or a fault is raised to level 1, open its major-incident view on this computer</translation>
    </message>
    <message>
        <source>关联故障…</source>
        <translation>Linked faults…</translation>
    </message>
    <message>
        <source>问题管理…</source>
        <translation>Problems…</translation>
    </message>
    <message>
        <source>我的整改措施…</source>
        <translation>My action items…</translation>
    </message>
    <message>
        <source>故障复盘报告（PDF）…</source>
        <translation>Post-incident review (PDF)…</translation>
    </message>
    <message>
        <source>运维服务报告…</source>
        <translation>Service report…</translation>
    </message>
    <message>
        <source>请先在列表中选择一个故障。</source>
        <translation>Select a fault in the list first.</translation>
    </message>
    <message>
        <source>已生成：</source>
        <translation>Written: </translation>
    </message>
    <message>
        <source>重大故障看板…</source>
        <translation>Major incident…</translation>
    </message>
    <message>
        <source>重大故障看板只用于一级（紧急）故障。</source>
        <translation>The major incident view is for level 1 (urgent) faults.</translation>
    </message>
    <message>
        <source>仅管理员可用</source>
        <translation>Administrators only</translation>
    </message>
</context>
</TS>
