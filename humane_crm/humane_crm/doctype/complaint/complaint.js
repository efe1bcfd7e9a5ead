// Copyright (c) 2026, Humane CRM contributors
// For license information, please see license.txt

frappe.ui.form.on("Complaint", {
	refresh(frm) {
		if (frm.is_new()) return;
		const call = (method, args) =>
			frappe
				.call({ method: `humane_crm.complaints.actions.${method}`, args: { name: frm.doc.name, ...args } })
				.then(() => frm.reload_doc());
		const ask = (label, field, method, extra = {}) =>
			frappe.prompt(
				{ fieldname: field, fieldtype: "Small Text", label, reqd: 1 },
				(values) => call(method, { ...values, ...extra }),
				label
			);
		const { status } = frm.doc;
		if (frm.doc.matched_phrases) {
			frm.set_intro(
				__("Score {0} from: {1}", [frm.doc.score, frm.doc.matched_phrases]),
				status === "Suggested" ? "orange" : "blue"
			);
		}
		if (status === "Suggested") {
			frm.add_custom_button(__("Confirm complaint"), () => call("confirm")).addClass("btn-primary");
			frm.add_custom_button(__("Dismiss"), () => ask(__("Why is this not a complaint?"), "reason", "dismiss"));
		}
		if (status === "Open") {
			(frm.doc.answers || [])
				.filter((row) => !row.ticked)
				.forEach((row) =>
					frm.add_custom_button(
						row.prompt,
						() =>
							frappe.prompt(
								{ fieldname: "note", fieldtype: "Small Text", label: __("Note (optional)"), description: row.guidance },
								({ note }) => call("tick", { item: row.idx, note }),
								row.prompt,
								__("Done")
							),
						__("Checklist")
					)
				);
			frm.add_custom_button(__("Dismiss"), () => ask(__("Why is this not a complaint?"), "reason", "dismiss"));
		}
		if (["Responded", "Follow-up Due"].includes(status)) {
			frm.add_custom_button(__("Resolve"), () => ask(__("How was it resolved?"), "note", "resolve")).addClass(
				"btn-primary"
			);
		}
	},
});
