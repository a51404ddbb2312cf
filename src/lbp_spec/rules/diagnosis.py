"""Diagnostic process: need for assistance, red flags, LRS, the neurological examination."""

from __future__ import annotations

from lbp_spec.advice import Window
from lbp_spec.logic import AdviceIs, cmp, flag
from lbp_spec.rule import Rule, add, sets
from lbp_spec.rules.definitions import (
    ANY_RED_FLAG,
    EMERGENCY,
    SAFETY_NET_SIGN,
    SEVERE_LRS,
    TREATABLE,
)
from lbp_spec.vocabulary import AdviceWarning, ExamComponent, Section, Urgency

__all__ = ["RULES"]

_EXAM = "neurological_examination"

RULES = (
    Rule(
        id="INDICATION.THERAPY",
        section=Section.NEED_FOR_ASSISTANCE,
        title="Indication for physical or exercise therapy",
        quote=(
            "There is an indication for physical therapy or exercise therapy when:",
            "a patient with low back pain sees the physical or exercise therapist with a need "
            "for assistance related to limitations in activities of daily living and/or social "
            "participation based on movement-related functioning and",
            "the therapist sees no reason to refer the patient (back) to the general "
            "practitioner or referring specialist (see red flags).",
        ),
        when=TREATABLE,
        then=[sets("physiotherapy_indicated", True)],
        note=(
            "The reasons to refer are those this guideline names: a red flag, a possible sign "
            "of a neurological emergency (including the safety-net signs) and severe LRS. A "
            "referral at a follow-up for lack of improvement does not end the indication: the "
            "need for assistance remains and the profile is still reported."
        ),
    ),
    Rule(
        id="REDFLAG.REFER",
        section=Section.RED_FLAGS,
        title="Red flag: refer to the GP",
        quote=(
            "Assess whether there are signs that could indicate a fracture, infection, tumour "
            "or inflammatory condition, or a neurological emergency.",
            "the therapist sees no reason to refer the patient (back) to the general "
            "practitioner or referring specialist (see red flags).",
        ),
        when=ANY_RED_FLAG,
        then=[sets("referral", Urgency.ROUTINE)],
        note=(
            "The summary asks to assess red flags and names them as the reason to refer, but "
            "gives no urgency for a fracture, infection, tumour or inflammatory condition. The "
            "spec reads it as a referral without stated urgency (routine); immediacy is reserved "
            "for the neurological emergency, which the text calls an emergency."
        ),
    ),
    Rule(
        id="EMERGENCY.REFER",
        section=Section.RED_FLAGS,
        title="Neurological emergency: refer immediately",
        quote=(
            "Assess whether there are signs that could indicate a fracture, infection, tumour "
            "or inflammatory condition, or a neurological emergency.",
            "Possible signs of a neurological emergency: urine retention, faecal or urinary "
            "incontinence, severe motor deficit (MCR score ≤ 3 out of 5) or widespread "
            "neurological symptoms (such as pyramidal signs).",
        ),
        when=EMERGENCY,
        then=[sets("referral", Urgency.IMMEDIATE)],
        note=(
            "'MCR score' is a typing error for the MRC (Medical Research Council) grade; it is "
            "read from neurological_exam.mrc_lowest. An emergency is read as calling for an "
            "immediate referral to the general practitioner."
        ),
    ),
    Rule(
        id="EMERGENCY.REFER.SAFETY_NET_SIGNS",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Saddle numbness or increasing leg weakness: refer immediately",
        quote=(
            "Be alert to emergency indications in patients with LRS, in the form of signs of a "
            "serious neurological problem.",
            "Advise the patient with LRS to immediately contact the general practitioner in "
            "the event of:",
            "saddle numbness;",
            "increasing loss of muscle strength in the legs.",
        ),
        when=SAFETY_NET_SIGN,
        then=[sets("referral", Urgency.IMMEDIATE)],
        note=(
            "This goes beyond the literal text, on purpose. The text names saddle numbness and "
            "increasing loss of leg strength as signs for which an LRS patient must contact the "
            "GP immediately (safety-net advice for later), and asks the therapist to be alert "
            "to emergency indications. The spec reads their presence at a consultation as a "
            "sign of a serious neurological problem that calls for an immediate referral, for "
            "any patient, whatever the working diagnosis; the design lists them among the "
            "neurological emergency signs."
        ),
    ),
    Rule(
        id="LRS.REFER.SEVERE",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="LRS with severe motor deficit or severe pain: refer to the GP",
        quote=(
            "Refer the patient with LRS and severe motor deficit (MRC score ≤ 3 out of 5), "
            "and/or severe pain (NPRS ≥ 8) to the general practitioner.",
        ),
        when=SEVERE_LRS,
        then=[sets("referral", Urgency.ROUTINE)],
        note=(
            "No urgency is given, so the referral is routine; where the motor deficit is also "
            "a sign of a neurological emergency, the resolution RES.MOST_URGENT_REFERRAL makes "
            "it immediate. The MRC grade is that of the weakest key muscle."
        ),
    ),
    Rule(
        id="LRS.RECHECK",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Other LRS patients: check again after two to four days",
        quote=(
            "Check other patients with LRS after two to four days and act according to the "
            "recommendations in this guideline.",
        ),
        when=flag("lrs") & AdviceIs("referral", None),
        then=[sets("recheck_after_days", Window(2, 4))],
        note=(
            "'Other patients' are the LRS patients who are not referred at this consultation "
            "(for severe LRS, a red flag, an emergency sign, or at a follow-up for persisting "
            "complaints or doubt about the medication). The text does not limit the check to "
            "the first consultation, so it is advised at every consultation of such a patient."
        ),
    ),
    Rule(
        id="NEURO.EXAM",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Suspected LRS: perform the neurological examination",
        quote=(
            "In the event of suspected LRS, for example with symptoms underneath the knee, "
            "perform a neurological examination on the patient:",
            "examination of the pain distribution (connected or not connected to the "
            "dermatome), and",
            "examination of the fingertips-to-floor distance when bending forward with "
            "straight knees (positive if the distance is > 25 cm), and",
            "the Lasègue test (passive 'straight leg raise'), the crossed Lasègue test or the "
            "reversed Lasègue test, and",
            "examination of the muscle strength ('Medical Research Council' of the key "
            "muscles), and",
            "examination of the vital and gnostic sensibility (connected or not connected to "
            "the dermatome), and",
            "examination of the reflexes (Achilles tendon, knee tendon, soles of the feet).",
        ),
        when=flag("lrs") | flag("symptoms_below_knee"),
        then=add(f"{_EXAM}.components", *ExamComponent),
        note=(
            "LRS is suspected when it is the working diagnosis or when symptoms go below the "
            "knee (the example the text gives)."
        ),
    ),
    Rule(
        id="NEURO.FINDING.DERMATOMAL_PAIN",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Pain distribution connected to a dermatome",
        quote=(
            "examination of the pain distribution (connected or not connected to the "
            "dermatome), and",
        ),
        when=flag("neurological_exam.dermatomal_pain"),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.PAIN_DISTRIBUTION),
    ),
    Rule(
        id="NEURO.FINDING.FINGERTIP_FLOOR",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Fingertip-to-floor distance above 25 cm is positive",
        quote=(
            "examination of the fingertips-to-floor distance when bending forward with "
            "straight knees (positive if the distance is > 25 cm), and",
        ),
        when=cmp("neurological_exam.fingertip_floor_cm", ">", 25),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.FINGERTIP_FLOOR_DISTANCE),
        note="Strictly above 25 cm: 25 cm itself is negative.",
    ),
    Rule(
        id="NEURO.FINDING.LASEGUE",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="A positive Lasègue, crossed or reversed Lasègue test",
        quote=(
            "the Lasègue test (passive 'straight leg raise'), the crossed Lasègue test or the "
            "reversed Lasègue test, and",
        ),
        when=flag("neurological_exam.lasegue")
        | flag("neurological_exam.crossed_lasegue")
        | flag("neurological_exam.reversed_lasegue"),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.LASEGUE_TESTS),
    ),
    Rule(
        id="NEURO.FINDING.MUSCLE_STRENGTH",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Reduced strength of a key muscle",
        quote=(
            "examination of the muscle strength ('Medical Research Council' of the key "
            "muscles), and",
        ),
        when=cmp("neurological_exam.mrc_lowest", "<=", 4),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.MUSCLE_STRENGTH),
        note="MRC grade 5 is normal strength; any lower grade of a key muscle is a finding.",
    ),
    Rule(
        id="NEURO.FINDING.SENSIBILITY",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Dermatomal loss of sensibility",
        quote=(
            "examination of the vital and gnostic sensibility (connected or not connected to "
            "the dermatome), and",
        ),
        when=flag("neurological_exam.dermatomal_sensory_loss"),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.SENSIBILITY),
    ),
    Rule(
        id="NEURO.FINDING.REFLEXES",
        section=Section.NEUROLOGICAL_EXAMINATION,
        title="Diminished reflexes",
        quote=("examination of the reflexes (Achilles tendon, knee tendon, soles of the feet).",),
        when=flag("neurological_exam.diminished_reflexes"),
        then=add(f"{_EXAM}.positive_findings", ExamComponent.REFLEXES),
    ),
    Rule(
        id="LRS.CHARACTERISATION",
        section=Section.LRS,
        title="Findings that suggest LRS without a working diagnosis of LRS",
        quote=(
            "LRS is characterised by pain in the buttocks and/or sciatica into the leg, "
            "accompanied by one or more complaints or symptoms that are suggestive of a "
            "condigion of a specifica sumbosacral nerve root, such as tingling sensations "
            "(paraesthesia) and neurological loss of function (hypoesthesia/hypalgesia, "
            "paresis, diminished reflexes).",
        ),
        when=~flag("lrs")
        & (flag("symptoms_below_knee") | flag("neurological_exam.dermatomal_pain"))
        & (
            flag("neurological_exam.dermatomal_sensory_loss")
            | flag("neurological_exam.diminished_reflexes")
            | cmp("neurological_exam.mrc_lowest", "<=", 4)
        ),
        then=add("warnings", AdviceWarning.FINDINGS_SUGGEST_LRS),
        note=(
            "'condigion of a specifica sumbosacral nerve root' is read as 'condition of a "
            "specific lumbosacral nerve root'. LRS stays the therapist's working diagnosis; "
            "the spec only warns when leg symptoms (below the knee or dermatomal) come with "
            "neurological loss of function (sensory loss, diminished reflexes or paresis, "
            "MRC at most 4) and LRS was not diagnosed."
        ),
    ),
)
