// Copyright (c) 2026, Humane CRM contributors
// For license information, please see license.txt

frappe.ui.form.on("Held Message", {
	refresh(frm) {
		if (frm.doc.status !== "Held" || frm.is_new()) return;
		frm.set_intro(
			__("Held because: {0}. Read it, edit it if needed, then release it as yourself or discard it.", [
				frm.doc.held_because,
			]),
			"orange"
		);
		frm.add_custom_button(__("Release (send as me)"), () => {
			const go = () =>
				frm.call("release").then((r) => {
					frappe.show_alert({ message: __("Sent"), indicator: "green" });
					frm.reload_doc();
				});
			frm.is_dirty() ? frm.save().then(go) : go();
		}).addClass("btn-primary");
		frm.add_custom_button(__("Discard"), () => {
			frappe.prompt(
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Why not send it?"), reqd: 1 },
				({ reason }) => frm.call("discard", { reason }).then(() => frm.reload_doc()),
				__("Discard held message"),
				__("Discard")
			);
		});
	},
});
