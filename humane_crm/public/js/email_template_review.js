// Humane CRM: review actions on Email Template (four eyes; the server decides who may do what).

frappe.ui.form.on("Email Template", {
	refresh(frm) {
		if (frm.is_new()) return;
		const state = frm.doc.humane_review_state || "Draft";
		const call = (method, args) =>
			frappe
				.call({ method: `humane_crm.template_review.four_eyes.${method}`, args: { name: frm.doc.name, ...args } })
				.then(() => frm.reload_doc());
		frm.set_intro(__("Review: {0}", [__(state)]), state.startsWith("Approved") ? "green" : "orange");
		if (["Draft", "Changes Requested"].includes(state)) {
			frm.add_custom_button(__("Submit for Review"), () => call("submit_for_review"), __("Review"));
		}
		if (state === "In Review" && frappe.user.has_role("Template Reviewer")) {
			frm.add_custom_button(
				__("Approve"),
				() =>
					frappe.prompt(
						{ fieldname: "comment", fieldtype: "Small Text", label: __("Comment (optional)") },
						({ comment }) => call("approve", { comment }),
						__("Approve template"),
						__("Approve")
					),
				__("Review")
			);
			frm.add_custom_button(
				__("Request Changes"),
				() =>
					frappe.prompt(
						{ fieldname: "comment", fieldtype: "Small Text", label: __("What should change?"), reqd: 1 },
						({ comment }) => call("request_changes", { comment }),
						__("Request changes"),
						__("Send back")
					),
				__("Review")
			);
		}
	},
});
