// Humane CRM: contact preference actions on CRM Lead and CRM Deal in the desk.

["CRM Lead", "CRM Deal"].forEach((doctype) => {
	frappe.ui.form.on(doctype, {
		refresh(frm) {
			if (frm.is_new()) return;
			humane_crm.show_status(frm);
			const group = __("Contact");
			frm.add_custom_button(__("Check contact"), () => humane_crm.check(frm), group);
			frm.add_custom_button(__("Pause contact"), () => humane_crm.pause(frm), group);
			frm.add_custom_button(__("Do Not Contact"), () => humane_crm.do_not_contact(frm), group);
			frm.add_custom_button(__("Allow contact again"), () => humane_crm.reopen(frm), group);
			frm.add_custom_button(__("Override next contact"), () => humane_crm.override(frm), group);
		},
	});
});

frappe.provide("humane_crm");

Object.assign(humane_crm, {
	check(frm, channel) {
		return frappe
			.call("humane_crm.api.check_contact", { doctype: frm.doctype, name: frm.docname, channel: channel || "Email" })
			.then((r) => r.message);
	},

	show_status(frm) {
		humane_crm.check(frm).then((result) => {
			if (!result) return;
			const color = result.allowed ? (result.outcome === "exempt" ? "blue" : "green") : "red";
			frm.dashboard.clear_headline();
			frm.dashboard.set_headline_alert(frappe.utils.escape_html(result.summary), color);
		});
	},

	set(frm, values) {
		return frappe
			.call("humane_crm.api.set_contact_preference", { doctype: frm.doctype, name: frm.docname, ...values })
			.then(() => {
				frappe.show_alert({ message: __("Contact preference saved"), indicator: "green" });
				humane_crm.show_status(frm);
			});
	},

	pause(frm) {
		frappe.prompt(
			[
				{ fieldname: "paused_until", fieldtype: "Datetime", label: __("Paused until"), reqd: 1,
					default: frappe.datetime.add_days(frappe.datetime.now_datetime(), 30) },
				{ fieldname: "source", fieldtype: "Select", label: __("Who asked"), options: "Agent\nCustomer", default: "Customer" },
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason") },
			],
			(v) => humane_crm.set(frm, { status: "Paused", ...v }),
			__("Pause contact"),
			__("Pause")
		);
	},

	do_not_contact(frm) {
		frappe.prompt(
			[
				{ fieldname: "source", fieldtype: "Select", label: __("Who asked"), options: "Customer\nAgent", default: "Customer" },
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Reason"), reqd: 1 },
			],
			(v) => humane_crm.set(frm, { status: "Do Not Contact", ...v }),
			__("Do Not Contact"),
			__("Set Do Not Contact")
		);
	},

	override(frm) {
		frappe.prompt(
			[
				{ fieldname: "channel", fieldtype: "Select", label: __("Channel"), options: "Email\nCall\nSMS\nWhatsApp", default: "Email", reqd: 1 },
				{ fieldname: "reason", fieldtype: "Small Text", label: __("Why this cannot wait"), reqd: 1 },
			],
			(v) =>
				frappe
					.call("humane_crm.api.override_next_contact", { doctype: frm.doctype, name: frm.docname, ...v })
					.then((r) => {
						frappe.show_alert({ message: r.message.message, indicator: r.message.passes.length ? "orange" : "green" });
						humane_crm.show_status(frm);
					}),
			__("Override next contact"),
			__("Take a single pass")
		);
	},

	reopen(frm) {
		frappe.prompt(
			[{ fieldname: "reason", fieldtype: "Small Text", label: __("Why contact is allowed again"), reqd: 1 }],
			(v) => humane_crm.set(frm, { status: "Open", source: "Agent", ...v }),
			__("Allow contact again"),
			__("Allow")
		);
	},
});
